using StackExchange.Redis;
using StreamRec.Storage;

namespace StreamRec.Recommender.Catalog;

/// <summary>
/// Keeps the in-memory candidate catalog (<see cref="ItemCatalogSnapshot"/>) of each encoder model in
/// step with the public catalog the Embedder writes to Redis from the catalog topic
/// (<see cref="ItemCatalogKeys"/>; items seen only in events are kept elsewhere and are never read
/// here, since they are user data): the first request
/// for a model loads every item of it; later ones, once <c>refreshInterval</c> has passed, read the
/// model's item set again and fetch only the items not loaded yet. Reads are pipelined in chunks, so a
/// catalog of 100,000 items loads in a few hundred round trips' worth of time, not 100,000.
/// Vectors are the Embedder's: unit length, D floats; an item whose vector does not have the model's D
/// is skipped (a damaged value must not stop recommendations).
/// </summary>
public sealed class ItemCatalogCache(IDatabase database, TimeSpan refreshInterval, TimeProvider clock)
{
    private const int Chunk = 1000;

    private static readonly RedisValue[] Fields = [ItemCatalogKeys.VectorField, ItemCatalogKeys.TitleField, ItemCatalogKeys.ModelField];

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

        var members = await database.SetMembersAsync(ItemCatalogKeys.ItemsOfModel(modelVersion)).ConfigureAwait(false);
        var fresh = members.Select(m => (string)m!).Where(id => !snapshot.Contains(id)).Order(StringComparer.Ordinal).ToList();
        foreach (var chunk in fresh.Chunk(Chunk))
        {
            var batch = database.CreateBatch();
            var pending = chunk.Select(id => batch.HashGetAsync(ItemCatalogKeys.Item(id), Fields)).ToArray();
            batch.Execute();
            var values = await Task.WhenAll(pending).ConfigureAwait(false);
            for (var i = 0; i < chunk.Length; i++)
            {
                var (vector, title, model) = (values[i][0], values[i][1], values[i][2]);
                if (vector.IsNull || (string?)model != modelVersion || ((byte[])vector!).Length != dimension * sizeof(float))
                {
                    Skipped++;
                    continue;
                }

                snapshot.Add(chunk[i], ItemCatalogReader.ReadVector((byte[])vector!), (string?)title);
            }
        }

        snapshot.RefreshedAt = now;
        return snapshot;
    }
}
