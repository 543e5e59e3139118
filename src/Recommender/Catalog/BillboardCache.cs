using StackExchange.Redis;
using StreamRec.Storage;

namespace StreamRec.Recommender.Catalog;

/// <summary>
/// The latest billboard release of each encoder model, in memory (<see cref="BillboardSnapshotStore"/>
/// reads Redis): the small version key is compared at most once per <c>refreshInterval</c> (the catalog's
/// refresh interval), and the snapshot, which can be large (k x items counts), is fetched only when the
/// version changed. A snapshot whose counts do not line up with its centroids and items, or that cannot be
/// read, counts as no billboard: recommendations then follow the interest alone, as before the billboard
/// existed, rather than stop (<see cref="Damaged"/> counts them). Not thread-safe (one stage loop drives it).
/// </summary>
public sealed class BillboardCache(IDatabase database, TimeSpan refreshInterval, TimeProvider clock)
{
    private readonly BillboardSnapshotStore _store = new(database);
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Snapshots read but not usable (unreadable, or counts not aligned with centroids and items).</summary>
    public long Damaged { get; private set; }

    /// <summary>The model's latest usable billboard release, or null when there is none.</summary>
    /// <exception cref="RedisException">Redis is unreachable.</exception>
    public async Task<BillboardSnapshot?> GetAsync(string modelVersion)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelVersion);
        var now = clock.GetUtcNow();
        if (_entries.TryGetValue(modelVersion, out var entry) && now - entry.CheckedAt < refreshInterval)
        {
            return entry.Snapshot;
        }

        var version = await _store.ReadVersionAsync(modelVersion).ConfigureAwait(false);
        if (entry is not null && version is not null && version == entry.Version)
        {
            _entries[modelVersion] = entry with { CheckedAt = now };
            return entry.Snapshot;
        }

        BillboardSnapshot? snapshot = null;
        if (version is not null)
        {
            try
            {
                snapshot = await _store.ReadAsync(modelVersion).ConfigureAwait(false);
            }
            catch (InvalidDataException)
            {
                Damaged++;
            }

            if (snapshot is not null && !Aligned(snapshot))
            {
                Damaged++;
                snapshot = null;
            }
        }

        // Keyed by the version read, so an unusable release is not fetched again until a new one replaces it.
        _entries[modelVersion] = new Entry(version, snapshot, now);
        return snapshot;
    }

    private static bool Aligned(BillboardSnapshot snapshot) =>
        snapshot is { Centroids: not null, Items: not null, Counts: not null }
        && snapshot.Centroids.Length > 0
        && snapshot.Counts.Length == snapshot.Centroids.Length
        && snapshot.Counts.All(row => row is not null && row.Length == snapshot.Items.Length)
        && snapshot.Centroids.All(c => c is not null && c.Length == snapshot.Centroids[0].Length && c.All(float.IsFinite));

    private sealed record Entry(string? Version, BillboardSnapshot? Snapshot, DateTimeOffset CheckedAt);
}
