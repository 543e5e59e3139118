namespace StreamRec.Training;

/// <summary>
/// Do an item's nearest neighbours make sense? The share of (item, neighbour) pairs, over the k
/// nearest neighbours by cosine of each evaluated item, that have at least one category (genre) in
/// common, next to the share among all pairs of those items (what random neighbours would score).
/// </summary>
/// <param name="Items">Items evaluated (each against the other evaluated items).</param>
/// <param name="Neighbours">k, neighbours per item.</param>
/// <param name="Rate">Share of neighbour pairs with a common category.</param>
/// <param name="ChanceRate">Share of all pairs of evaluated items with a common category.</param>
public sealed record GenreAgreement(int Items, int Neighbours, double Rate, double ChanceRate)
{
    /// <summary>Measures <paramref name="items"/> against each other.</summary>
    /// <param name="vectors">Unit vectors, so that the dot product is the cosine.</param>
    /// <param name="categories">Each catalog item's categories (compared as exact strings); null or empty for none.</param>
    /// <param name="items">The items to evaluate (distinct catalog indexes); more than <paramref name="neighbours"/>.</param>
    /// <param name="neighbours">k.</param>
    public static GenreAgreement Measure(ItemVectors vectors, IReadOnlyList<IReadOnlyList<string>?> categories, IReadOnlyList<int> items, int neighbours)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentNullException.ThrowIfNull(categories);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfLessThan(neighbours, 1);
        if (items.Count <= neighbours)
        {
            throw new ArgumentException($"{items.Count} items cannot each have {neighbours} neighbours among the others.", nameof(items));
        }

        var masks = CategoryMasks(categories, items);
        var top = new TopK(neighbours);
        long shared = 0;
        for (var q = 0; q < items.Count; q++)
        {
            top.Clear();
            var query = vectors[items[q]];
            for (var c = 0; c < items.Count; c++)
            {
                if (c != q)
                {
                    // Candidates are offered by their position in `items`, so ties go to the earlier one.
                    top.Offer(c, vectors.Dot(items[c], query));
                }
            }

            foreach (var c in top.Items)
            {
                shared += Overlaps(masks[q], masks[c]) ? 1 : 0;
            }
        }

        long chanceShared = 0;
        for (var a = 0; a < items.Count; a++)
        {
            for (var b = a + 1; b < items.Count; b++)
            {
                chanceShared += Overlaps(masks[a], masks[b]) ? 1 : 0;
            }
        }

        var pairs = (long)items.Count * (items.Count - 1) / 2;
        return new GenreAgreement(items.Count, neighbours, (double)shared / ((long)items.Count * neighbours), (double)chanceShared / pairs);
    }

    // One bit per distinct category, so "any in common" is an AND of a few words.
    private static ulong[][] CategoryMasks(IReadOnlyList<IReadOnlyList<string>?> categories, IReadOnlyList<int> items)
    {
        var bits = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            foreach (var category in categories[item] ?? [])
            {
                bits.TryAdd(category, bits.Count);
            }
        }

        var words = Math.Max(1, (bits.Count + 63) / 64);
        var masks = new ulong[items.Count][];
        for (var i = 0; i < items.Count; i++)
        {
            masks[i] = new ulong[words];
            foreach (var category in categories[items[i]] ?? [])
            {
                var bit = bits[category];
                masks[i][bit / 64] |= 1UL << (bit % 64);
            }
        }

        return masks;
    }

    private static bool Overlaps(ulong[] a, ulong[] b)
    {
        for (var i = 0; i < a.Length; i++)
        {
            if ((a[i] & b[i]) != 0)
            {
                return true;
            }
        }

        return false;
    }
}
