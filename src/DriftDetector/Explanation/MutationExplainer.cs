using System.Numerics.Tensors;
using StreamRec.Contracts;

namespace StreamRec.DriftDetector.Explanation;

/// <summary>
/// Explains a mutation in terms a person can read, from two interest vectors: the old interest (the
/// long-horizon vector just before the mutation) and the new one (the short-horizon vector it adopts).
/// <list type="bullet">
/// <item>A category's affinity to an interest is the cosine between the interest and the category's
/// centroid (the direction of the sum of its items' vectors). The categories whose affinity rose most
/// are "gained", those whose affinity fell most are "lost".</item>
/// <item>Examples: the items whose closeness to the new interest exceeds their closeness to the old by
/// most, and the reverse. Ranking by the difference, not by closeness alone: items made mostly of
/// shared features (genres, decade) lie close to any averaged interest, about as close to the old as to
/// the new, and would otherwise crowd out the items that characterise the change.</item>
/// </list>
/// Pure computation over <see cref="ItemProfiles"/> (the public catalog): the same two vectors and the
/// same catalog always give the same explanation, so every copy of a mutation, whichever process
/// detected it, explains it alike. O(categories + items) x D per mutation, which is rare (about one per
/// thousand events at the default thresholds).
/// </summary>
public sealed class MutationExplainer(ExplanationOptions options)
{
    public MutationExplanation Explain(ReadOnlySpan<float> before, ReadOnlySpan<float> after, ItemProfiles profiles)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        var old = Unit(before);
        var fresh = Unit(after);
        var shifts = new List<CategoryShift>();
        foreach (var centroid in profiles.Categories)
        {
            if (centroid.Items < options.MinCategoryItems || centroid.Sum.Length != old.Length)
            {
                continue;
            }

            var direction = Unit(centroid.Sum);
            shifts.Add(new CategoryShift(centroid.Category, Round(TensorPrimitives.Dot(old, direction)), Round(TensorPrimitives.Dot(fresh, direction))));
        }

        // Ties (equal shifts) are broken by name, so the same state always gives the same explanation.
        var gained = shifts.Where(s => s.After > s.Before)
            .OrderByDescending(s => s.After - s.Before).ThenBy(s => s.Category, StringComparer.Ordinal)
            .Take(options.TopCategories).ToList();
        var lost = shifts.Where(s => s.After < s.Before)
            .OrderBy(s => s.After - s.Before).ThenBy(s => s.Category, StringComparer.Ordinal)
            .Take(options.TopCategories).ToList();

        // Only the best few of each side are kept as the catalog is scanned: collecting every item to sort
        // them allocated a candidate array the size of the catalog per mutation.
        var examplesBefore = new List<(ItemProfile Item, float Contrast)>(options.ExampleItems + 1);
        var examplesAfter = new List<(ItemProfile Item, float Contrast)>(options.ExampleItems + 1);
        foreach (var item in profiles.Items)
        {
            if (item.Vector.Length != old.Length)
            {
                continue;
            }

            var contrast = TensorPrimitives.Dot(item.Vector, fresh) - TensorPrimitives.Dot(item.Vector, old);
            if (contrast > 0)
            {
                KeepBest(examplesAfter, (item, contrast), options.ExampleItems);
            }
            else if (contrast < 0)
            {
                KeepBest(examplesBefore, (item, -contrast), options.ExampleItems);
            }
        }

        return new MutationExplanation
        {
            Summary = Summary(gained, lost),
            Gained = gained,
            Lost = lost,
            ExamplesBefore = [.. examplesBefore.Select(c => new ExampleItem(c.Item.ItemId, c.Item.Title))],
            ExamplesAfter = [.. examplesAfter.Select(c => new ExampleItem(c.Item.ItemId, c.Item.Title))],
        };
    }

    /// <summary>
    /// Inserts a candidate into <paramref name="best"/>, kept in order (contrast descending, then item id)
    /// and at most <paramref name="count"/> long. A candidate goes after those it ties with entirely, so
    /// the list is the first <paramref name="count"/> of a stable sort of all candidates in catalog order.
    /// </summary>
    private static void KeepBest(List<(ItemProfile Item, float Contrast)> best, (ItemProfile Item, float Contrast) candidate, int count)
    {
        var at = best.Count;
        while (at > 0 && Precedes(candidate, best[at - 1]))
        {
            at--;
        }

        if (at < count)
        {
            best.Insert(at, candidate);
            if (best.Count > count)
            {
                best.RemoveAt(best.Count - 1);
            }
        }
    }

    private static bool Precedes((ItemProfile Item, float Contrast) a, (ItemProfile Item, float Contrast) b) =>
        a.Contrast > b.Contrast || (a.Contrast == b.Contrast && string.CompareOrdinal(a.Item.ItemId, b.Item.ItemId) < 0);

    private static string Summary(List<CategoryShift> gained, List<CategoryShift> lost)
    {
        var parts = new List<string>(2);
        if (gained.Count > 0)
        {
            parts.Add("more " + string.Join(", ", gained.Select(s => s.Category)));
        }

        if (lost.Count > 0)
        {
            parts.Add("less " + string.Join(", ", lost.Select(s => s.Category)));
        }

        return parts.Count == 0 ? "no category information for these items" : string.Join("; ", parts);
    }

    private static float[] Unit(ReadOnlySpan<float> vector)
    {
        var unit = vector.ToArray();
        var norm = TensorPrimitives.Norm(unit);
        if (norm > 0)
        {
            TensorPrimitives.Divide(unit, norm, unit);
        }

        return unit;
    }

    private static double Round(float value) => Math.Round(value, 4);
}
