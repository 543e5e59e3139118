using StreamRec.Embedder.Features;

namespace StreamRec.Training;

/// <summary>
/// Every catalog item's embedding-table rows, as <see cref="ItemFeatureHasher"/> gives them to the
/// running embedder: the trainer reads and updates exactly the rows the model will later look up. A
/// row that appears twice for one item (two features hashing alike) is kept twice, because the
/// model's masked mean counts it twice too.
/// </summary>
public sealed class ItemFeatureIndex
{
    private readonly int[] _rows;
    private readonly int[] _offsets;

    private ItemFeatureIndex(int[] rows, int[] offsets, int vocabularySize)
    {
        _rows = rows;
        _offsets = offsets;
        VocabularySize = vocabularySize;
    }

    public int ItemCount => _offsets.Length - 1;

    /// <summary>V: every row is in [0, V).</summary>
    public int VocabularySize { get; }

    public ReadOnlySpan<int> RowsOf(int item) => _rows.AsSpan(_offsets[item], _offsets[item + 1] - _offsets[item]);

    public static ItemFeatureIndex Create(IReadOnlyList<ItemAttributes> items, ItemFeatureHasher hasher)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(hasher);
        var maxFeatures = hasher.Options.MaxFeatures;
        var ids = new long[maxFeatures];
        var mask = new float[maxFeatures];
        var rows = new List<int>(items.Count * maxFeatures / 2);
        var offsets = new int[items.Count + 1];
        for (var i = 0; i < items.Count; i++)
        {
            var count = hasher.Write(items[i], ids, mask);
            for (var f = 0; f < count; f++)
            {
                rows.Add(checked((int)ids[f]));
            }

            offsets[i + 1] = rows.Count;
        }

        return new ItemFeatureIndex([.. rows], offsets, hasher.Options.VocabularySize);
    }

    /// <summary>
    /// An index given directly, for tests and for catalogs hashed elsewhere: item i uses
    /// <paramref name="rowsPerItem"/>[i] (at least one row each, all in [0, V)).
    /// </summary>
    public static ItemFeatureIndex FromRows(IReadOnlyList<int[]> rowsPerItem, int vocabularySize)
    {
        ArgumentNullException.ThrowIfNull(rowsPerItem);
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 1);
        var offsets = new int[rowsPerItem.Count + 1];
        var rows = new List<int>();
        for (var i = 0; i < rowsPerItem.Count; i++)
        {
            if (rowsPerItem[i].Length == 0 || rowsPerItem[i].Any(row => (uint)row >= (uint)vocabularySize))
            {
                throw new ArgumentException($"Item {i} needs at least one row, each in [0, {vocabularySize}).", nameof(rowsPerItem));
            }

            rows.AddRange(rowsPerItem[i]);
            offsets[i + 1] = rows.Count;
        }

        return new ItemFeatureIndex([.. rows], offsets, vocabularySize);
    }
}
