namespace StreamRec.Training;

/// <summary>
/// The k best-scoring candidates, highest first, ties to the lower index: the same ranking on every
/// run, whatever order the candidates are scored in.
/// </summary>
internal sealed class TopK
{
    private readonly int[] _items;
    private readonly float[] _scores;

    public TopK(int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        _items = new int[k];
        _scores = new float[k];
    }

    public int Count { get; private set; }

    public ReadOnlySpan<int> Items => _items.AsSpan(0, Count);

    public void Clear() => Count = 0;

    public void Offer(int item, float score)
    {
        if (Count == _items.Length && !Better(item, score, _items[Count - 1], _scores[Count - 1]))
        {
            return;
        }

        // Insertion into a short sorted array: k is 10, candidates are thousands, and most are rejected above.
        var position = Count < _items.Length ? Count++ : Count - 1;
        while (position > 0 && Better(item, score, _items[position - 1], _scores[position - 1]))
        {
            _items[position] = _items[position - 1];
            _scores[position] = _scores[position - 1];
            position--;
        }

        _items[position] = item;
        _scores[position] = score;
    }

    private static bool Better(int item, float score, int otherItem, float otherScore) =>
        score > otherScore || (score == otherScore && item < otherItem);
}
