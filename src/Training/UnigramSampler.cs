using StreamRec.Contracts;

namespace StreamRec.Training;

/// <summary>
/// Draws negative items with probability proportional to count^0.75 (Mikolov et al. 2013): flatter
/// than popularity, so rare items are drawn as negatives more often than their share, and popular
/// items are not contrasted with almost nothing but each other. A lookup table as in word2vec: one
/// random index per draw, no search.
/// </summary>
internal sealed class UnigramSampler
{
    public const double Power = 0.75;

    private readonly int[] _table;

    public UnigramSampler(ReadOnlySpan<int> counts, int tableSize = 1 << 20)
    {
        var total = 0.0;
        foreach (var count in counts)
        {
            total += Math.Pow(count, Power);
        }

        if (total <= 0)
        {
            throw new ArgumentException("No item has a positive count to sample negatives from.", nameof(counts));
        }

        // Item i fills the table slots up to its cumulative share; an item with count 0 gets none.
        _table = new int[tableSize];
        var item = -1;
        var cumulative = 0.0;
        for (var slot = 0; slot < tableSize; slot++)
        {
            while (item < counts.Length - 1 && (slot + 0.5) / tableSize >= cumulative)
            {
                item++;
                cumulative += Math.Pow(counts[item], Power) / total;
            }

            _table[slot] = item;
        }
    }

    public int Next(ref SplitMix64 random) => _table[random.NextInt(_table.Length)];
}
