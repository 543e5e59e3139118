using StreamRec.Embedder.Embedding;

namespace StreamRec.Embedder.Stage;

/// <summary>
/// The items this process has already written to Redis, per model version, bounded (LRU): what makes
/// the stage write an item once instead of once per event. Forgetting an item only costs a repeated,
/// idempotent write.
/// </summary>
internal sealed class KnownItems(int capacity)
{
    private readonly LruCache<ItemVersionKey, bool> _items = new(capacity);
    private readonly Lock _gate = new();

    /// <summary>True when the item was written (and makes it recently used).</summary>
    public bool Contains(ItemVersionKey key)
    {
        lock (_gate)
        {
            return _items.TryGet(key, out _);
        }
    }

    /// <summary>Records items whose write has completed.</summary>
    public void AddRange(IEnumerable<ItemVersionKey> keys)
    {
        lock (_gate)
        {
            foreach (var key in keys)
            {
                _items.Set(key, true);
            }
        }
    }
}
