using System.Numerics.Tensors;

namespace StreamRec.Recommender.Scoring;

/// <summary>
/// Joint mode's ranking, the live form of the offline blend (streamrec-bench recommend-utility, BlendLists):
/// score(i) = (1 - w)(cos(interest, e_i) + 1)/2 + w p(i), p(i) = the item's billboard count in the user's
/// cluster over that cluster's largest count, so both terms lie in [0, 1] and w trades them directly.
/// No noise: the list goes to its user alone, and everything in it about other users comes from the
/// billboard, which is already differentially private (docs/privacy.md). Deterministic: equal scores are
/// ordered by item id (ordinal), never by catalog row, whose order depends on when items were loaded.
/// Pure computation, no I/O.
/// </summary>
public static class JointRanker
{
    /// <summary>The record's <c>mechanism.selection</c> for a joint-mode list.</summary>
    public const string MechanismName = "joint-billboard-blend";

    /// <summary>
    /// The user's cluster: the centroid with the largest dot product with <paramref name="vector"/> (the
    /// centroids are unit, so this is the nearest by cosine); ties go to the lower index. -1 when there is
    /// no centroid of the vector's dimension.
    /// </summary>
    public static int NearestCluster(IReadOnlyList<float[]> centroids, ReadOnlySpan<float> vector)
    {
        ArgumentNullException.ThrowIfNull(centroids);
        var best = -1;
        var bestDot = float.NegativeInfinity;
        for (var c = 0; c < centroids.Count; c++)
        {
            if (centroids[c].Length != vector.Length)
            {
                continue;
            }

            var dot = TensorPrimitives.Dot(centroids[c], vector);
            if (dot > bestDot)
            {
                (best, bestDot) = (c, dot);
            }
        }

        return best;
    }

    /// <summary>
    /// The count below which a billboard count is treated as 0: three standard deviations of the noise one
    /// snapshot count carries. A count is the exact count plus the noise of at most <paramref name="levels"/>
    /// tree nodes of each of two windows (the snapshot adds the previous window's final release), each
    /// discrete Laplace of scale b (variance about 2b²): σ ≤ 2b·sqrt(levels). With few users per cluster the
    /// counts are mostly noise, and ranking by them would lift random items (validation then picks w ≈ 0:
    /// docs/privacy.md, "Joint vs strict on a temporal split"); with many, the floor is small beside them.
    /// Post-processing of the release: no privacy cost.
    /// </summary>
    public static double NoiseFloor(long nodeScale, int levels) => 3 * 2 * nodeScale * Math.Sqrt(levels);

    /// <summary>
    /// p per catalog row: the cluster's count of the item minus <paramref name="floor"/>, over the cluster's
    /// largest count minus the floor (0 for an item at or below the floor or that the billboard does not
    /// count, and for every item when no count is above the floor).
    /// </summary>
    public static float[] Popularity(ItemMatrix items, IReadOnlyList<string> billboardItems, IReadOnlyList<long> clusterCounts, double floor = 0)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(billboardItems);
        ArgumentNullException.ThrowIfNull(clusterCounts);
        if (billboardItems.Count != clusterCounts.Count)
        {
            throw new ArgumentException($"The billboard counts {clusterCounts.Count} values for {billboardItems.Count} items.", nameof(clusterCounts));
        }

        var popularity = new float[items.Count];
        var floorAtLeastZero = Math.Max(0, floor);
        var max = (clusterCounts.Count == 0 ? 0 : clusterCounts.Max()) - floorAtLeastZero;
        if (max <= 0)
        {
            return popularity;
        }

        for (var i = 0; i < billboardItems.Count; i++)
        {
            if (items.TryGetRow(billboardItems[i], out var row))
            {
                popularity[row] = (float)(Math.Max(0, clusterCounts[i] - floorAtLeastZero) / max);
            }
        }

        return popularity;
    }

    /// <summary>
    /// The K best catalog rows by the blend, best first, rows in <paramref name="excluded"/> left out;
    /// <paramref name="popularity"/> is p per row, or empty to rank by content alone (as with w = 0).
    /// </summary>
    public static int[] Rank(ItemMatrix items, ReadOnlySpan<float> interest, ReadOnlySpan<float> popularity, double popularityWeight, int k, IReadOnlySet<int>? excluded = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        if (popularityWeight is < 0 or > 1 || double.IsNaN(popularityWeight))
        {
            throw new ArgumentOutOfRangeException(nameof(popularityWeight), popularityWeight, "w is in [0, 1].");
        }

        if (!popularity.IsEmpty && popularity.Length != items.Count)
        {
            throw new ArgumentException($"popularity holds {popularity.Length} values; the catalog has {items.Count} rows.", nameof(popularity));
        }

        var similarity = new float[items.Count];
        CandidateScores.Compute(items, interest, similarity);
        // The rows are unit, so the cosine is the dot product over the interest's norm; a zero interest
        // is equally similar to everything (cosine 0), and popularity alone decides.
        var norm = TensorPrimitives.Norm(interest);
        var w = popularity.IsEmpty ? 0 : popularityWeight;
        var scores = new double[items.Count];
        for (var row = 0; row < scores.Length; row++)
        {
            var cosine = norm > 0 ? Math.Clamp(similarity[row] / (double)norm, -1, 1) : 0;
            scores[row] = ((1 - w) * (cosine + 1) / 2) + (w == 0 ? 0 : w * popularity[row]);
        }

        return [.. Enumerable.Range(0, items.Count)
            .Where(row => excluded is null || !excluded.Contains(row))
            .OrderByDescending(row => scores[row])
            .ThenBy(row => items.ItemId(row), StringComparer.Ordinal)
            .Take(k)];
    }
}
