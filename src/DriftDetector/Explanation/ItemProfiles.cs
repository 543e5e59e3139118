using System.Numerics.Tensors;

namespace StreamRec.DriftDetector.Explanation;

/// <summary>
/// The public catalog's items, for explaining mutations: each item's vector, title and categories (as
/// the Embedder keeps them in Redis from the catalog topic), and per category the sum of its items'
/// vectors, whose direction is the category's centroid. Never items known only from events: what a
/// process happened to see would make two copies of one mutation explain it differently. Vectors of one
/// encoder model only: switching model starts afresh. Bounded by
/// <see cref="ExplanationOptions.ItemCapacity"/>; once full, new items are not added (the centroids are
/// averages and hardly move; examples come from the items already known).
/// </summary>
public sealed class ItemProfiles(int capacity)
{
    private readonly Dictionary<string, ItemProfile> _items = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CategoryCentroid> _categories = new(StringComparer.Ordinal);

    public string? ModelVersion { get; private set; }

    public int Count => _items.Count;

    public bool IsFull => _items.Count >= capacity;

    public IEnumerable<ItemProfile> Items => _items.Values;

    public IEnumerable<CategoryCentroid> Categories => _categories.Values;

    /// <summary>Makes <paramref name="modelVersion"/> current; everything known under another model is forgotten (then true).</summary>
    public bool UseModel(string modelVersion)
    {
        if (string.Equals(modelVersion, ModelVersion, StringComparison.Ordinal))
        {
            return false;
        }

        _items.Clear();
        _categories.Clear();
        ModelVersion = modelVersion;
        return true;
    }

    public bool Contains(string itemId) => _items.ContainsKey(itemId);

    /// <summary>Adds an item of the current model (its vector is copied and normalised); false when it is known or the table is full.</summary>
    public bool TryAdd(string itemId, ReadOnlySpan<float> embedding, string? title, IReadOnlyList<string> categories)
    {
        ArgumentNullException.ThrowIfNull(categories);
        if (IsFull || _items.ContainsKey(itemId))
        {
            return false;
        }

        var vector = embedding.ToArray();
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0)
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }

        _items.Add(itemId, new ItemProfile(itemId, vector, title, categories));
        foreach (var category in categories.Distinct(StringComparer.Ordinal))
        {
            if (!_categories.TryGetValue(category, out var centroid))
            {
                centroid = new CategoryCentroid(category, vector.Length);
                _categories.Add(category, centroid);
            }

            centroid.Add(vector);
        }

        return true;
    }
}
