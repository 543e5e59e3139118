using System.Diagnostics.CodeAnalysis;

namespace StreamRec.Embedder.Embedding;

/// <summary>
/// A bounded map that evicts the least recently used entry: a dictionary from key to a node of a
/// recency list (most recent first), so lookup, insertion and eviction are O(1). An evicted entry's
/// node is reused for the new one, so a full cache allocates no nodes. Not thread-safe: its owners
/// lock around it.
/// </summary>
internal sealed class LruCache<TKey, TValue>
    where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<KeyValuePair<TKey, TValue>>> _index;
    private readonly LinkedList<KeyValuePair<TKey, TValue>> _recency = new();

    public LruCache(int capacity, IEqualityComparer<TKey>? comparer = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        // Pre-sized only up to a point: a large capacity is often never reached.
        _index = new Dictionary<TKey, LinkedListNode<KeyValuePair<TKey, TValue>>>(Math.Min(capacity, 4096), comparer);
    }

    public int Capacity { get; }

    public int Count => _index.Count;

    /// <summary>Keys from the most to the least recently used (for tests and diagnostics).</summary>
    public IEnumerable<TKey> KeysByRecency => _recency.Select(entry => entry.Key);

    /// <summary>Looks a key up and, when found, makes it the most recently used.</summary>
    public bool TryGet(TKey key, [MaybeNullWhen(false)] out TValue value)
    {
        if (!_index.TryGetValue(key, out var node))
        {
            value = default;
            return false;
        }

        MoveToFront(node);
        value = node.Value.Value;
        return true;
    }

    /// <summary>Adds or replaces an entry, making it the most recently used; when full, the least recently used entry is evicted.</summary>
    public void Set(TKey key, TValue value)
    {
        if (_index.TryGetValue(key, out var node))
        {
            node.Value = new KeyValuePair<TKey, TValue>(key, value);
            MoveToFront(node);
            return;
        }

        if (_index.Count == Capacity)
        {
            node = _recency.Last!;
            _recency.RemoveLast();
            _index.Remove(node.Value.Key);
            node.Value = new KeyValuePair<TKey, TValue>(key, value);
        }
        else
        {
            node = new LinkedListNode<KeyValuePair<TKey, TValue>>(new KeyValuePair<TKey, TValue>(key, value));
        }

        _recency.AddFirst(node);
        _index.Add(key, node);
    }

    /// <summary>Forgets a key; true when it was there.</summary>
    public bool Remove(TKey key)
    {
        if (!_index.Remove(key, out var node))
        {
            return false;
        }

        _recency.Remove(node);
        return true;
    }

    private void MoveToFront(LinkedListNode<KeyValuePair<TKey, TValue>> node)
    {
        if (node != _recency.First)
        {
            _recency.Remove(node);
            _recency.AddFirst(node);
        }
    }
}
