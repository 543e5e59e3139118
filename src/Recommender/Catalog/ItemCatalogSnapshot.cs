using StreamRec.Recommender.Scoring;

namespace StreamRec.Recommender.Catalog;

/// <summary>
/// The candidate items of one encoder model in memory: their vectors in one contiguous matrix (for SIMD
/// scoring) and their titles. Grown incrementally by <see cref="ItemCatalogCache"/>.
/// </summary>
public sealed class ItemCatalogSnapshot(string modelVersion, int dimension)
{
    private readonly Dictionary<string, string?> _titles = new(StringComparer.Ordinal);

    public string ModelVersion { get; } = modelVersion;

    public ItemMatrix Items { get; } = new(dimension, capacity: 1024);

    /// <summary>When the item set was last compared with Redis.</summary>
    public DateTimeOffset RefreshedAt { get; internal set; }

    public bool Contains(string itemId) => _titles.ContainsKey(itemId);

    public string? Title(string itemId) => _titles.GetValueOrDefault(itemId);

    internal void Add(string itemId, ReadOnlySpan<float> vector, string? title)
    {
        Items.Add(itemId, vector);
        _titles[itemId] = title;
    }
}
