using StackExchange.Redis;
using StreamRec.Storage;

namespace StreamRec.Recommender.Catalog;

/// <summary>
/// Keeps the in-memory candidate catalog (<see cref="ItemCatalogSnapshot"/>) of each encoder model in
/// step with the public catalog the Embedder writes to Redis from the catalog topic
/// (<see cref="ItemCatalogKeys"/>; items known only from events are never written there, since they
/// are user data): the first request
/// for a model loads every item of it; later ones, once <c>refreshInterval</c> has passed, read the
/// model's item set again and fetch only the items not loaded yet (<see cref="ItemCatalogReader.ReadNewAsync"/>).
/// Vectors are the Embedder's: unit length, D floats; an item whose vector does not have the model's D
/// is skipped (a damaged value must not stop recommendations).
/// </summary>
public sealed class ItemCatalogCache(IDatabase database, TimeSpan refreshInterval, TimeProvider clock)
{
    private readonly ItemCatalogReader _reader = new(database);

    private readonly Dictionary<string, ItemCatalogSnapshot> _snapshots = new(StringComparer.Ordinal);

    /// <summary>Items skipped because their stored vector was damaged or of another model.</summary>
    public long Skipped { get; private set; }

    /// <summary>The candidates of <paramref name="modelVersion"/> with vectors of <paramref name="dimension"/> floats (empty when Redis has none).</summary>
    /// <exception cref="RedisException">Redis is unreachable.</exception>
    public async Task<ItemCatalogSnapshot> GetAsync(string modelVersion, int dimension)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelVersion);
        var now = clock.GetUtcNow();
        if (_snapshots.TryGetValue(modelVersion, out var snapshot)
            && snapshot.Items.Dimension == dimension
            && now - snapshot.RefreshedAt < refreshInterval)
        {
            return snapshot;
        }

        if (snapshot is null || snapshot.Items.Dimension != dimension)
        {
            snapshot = new ItemCatalogSnapshot(modelVersion, dimension);
            _snapshots[modelVersion] = snapshot;
        }

        var read = await _reader.ReadNewAsync(modelVersion, dimension, snapshot.Contains).ConfigureAwait(false);
        Skipped += read.Skipped;
        foreach (var item in read.Items)
        {
            snapshot.Add(item.ItemId, item.Vector, item.Title);
        }

        snapshot.RefreshedAt = now;
        return snapshot;
    }
}
