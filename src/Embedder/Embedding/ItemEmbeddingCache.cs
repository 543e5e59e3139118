namespace StreamRec.Embedder.Embedding;

/// <summary>
/// Item embeddings already computed, keyed by <see cref="ItemVersionKey"/> (item id + model version),
/// bounded by an LRU policy, so that the items users keep returning to are embedded once. Safe for
/// concurrent use: one lock around O(1) work and a copy of D floats. Values are copied in and out, so
/// a caller's buffer never aliases the cache.
/// <para>
/// The cache assumes that an item's attributes do not change under one model version (catalog data):
/// an item is embedded from the attributes of the event that first missed the cache, and that vector
/// is served until it is evicted.
/// </para>
/// </summary>
public sealed class ItemEmbeddingCache
{
    private readonly LruCache<ItemVersionKey, float[]>? _entries;
    private readonly Lock _gate = new();

    /// <param name="capacity">Entries kept; 0 disables the cache (every lookup misses, nothing is stored).</param>
    /// <param name="dimension">D, the length of every embedding.</param>
    public ItemEmbeddingCache(int capacity, int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        Capacity = capacity;
        Dimension = dimension;
        _entries = capacity > 0 ? new LruCache<ItemVersionKey, float[]>(capacity) : null;
    }

    public int Capacity { get; }

    public int Dimension { get; }

    public bool IsEnabled => _entries is not null;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries?.Count ?? 0;
            }
        }
    }

    /// <summary>Keys from the most to the least recently used (a snapshot, for tests and diagnostics).</summary>
    public IReadOnlyList<ItemVersionKey> KeysByRecency()
    {
        lock (_gate)
        {
            return _entries is null ? [] : [.. _entries.KeysByRecency];
        }
    }

    /// <summary>Copies the cached embedding into <paramref name="destination"/> (length D) and marks it recently used.</summary>
    public bool TryCopyTo(ItemVersionKey key, Span<float> destination)
    {
        CheckLength(destination.Length, nameof(destination));
        if (_entries is null)
        {
            return false;
        }

        lock (_gate)
        {
            if (!_entries.TryGet(key, out var embedding))
            {
                return false;
            }

            embedding.CopyTo(destination);
            return true;
        }
    }

    /// <summary>Stores a copy of <paramref name="embedding"/> (length D), evicting the least recently used entry when full.</summary>
    public void Put(ItemVersionKey key, ReadOnlySpan<float> embedding)
    {
        CheckLength(embedding.Length, nameof(embedding));
        if (_entries is null)
        {
            return;
        }

        var copy = embedding.ToArray();
        lock (_gate)
        {
            _entries.Set(key, copy);
        }
    }

    /// <summary>Forgets an item (its attributes changed: the next embedding must be computed from them).</summary>
    public void Remove(ItemVersionKey key)
    {
        if (_entries is null)
        {
            return;
        }

        lock (_gate)
        {
            _entries.Remove(key);
        }
    }

    private void CheckLength(int length, string parameter)
    {
        if (length != Dimension)
        {
            throw new ArgumentException($"An embedding has {Dimension} values; got a span of {length}.", parameter);
        }
    }
}
