using System.Numerics.Tensors;

namespace StreamRec.Evaluation;

/// <summary>
/// k-means on the unit sphere (cosine similarity; Dhillon and Modha 2001) with seeded k-means++
/// initialisation: groups catalog items into interest clusters as the encoder sees them, which is
/// what the synthetic users draw from. Deterministic for a given seed.
/// </summary>
public static class SphericalKMeans
{
    /// <summary>Returns the members of each non-empty cluster (item rows, increasing), largest cluster first.</summary>
    public static List<int[]> Cluster(ItemEmbeddings embeddings, IReadOnlyList<int> items, int k, ulong seed, int maxIterations = 100)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (items.Count < k)
        {
            throw new ArgumentException($"{items.Count} items cannot make {k} clusters.", nameof(items));
        }

        var d = embeddings.Dimension;
        var centroids = InitialCentroids(embeddings, items, k, new EvaluationRandom(seed ^ 0xC1C1C1C1UL));
        var assignment = new int[items.Count];
        Array.Fill(assignment, -1);
        var sums = new float[k * d];
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            var moved = 0;
            for (var i = 0; i < items.Count; i++)
            {
                var nearest = Nearest(centroids, k, embeddings[items[i]]);
                if (nearest != assignment[i])
                {
                    assignment[i] = nearest;
                    moved++;
                }
            }

            if (moved == 0)
            {
                break;
            }

            Array.Clear(sums);
            for (var i = 0; i < items.Count; i++)
            {
                var sum = sums.AsSpan(assignment[i] * d, d);
                TensorPrimitives.Add(sum, embeddings[items[i]], sum);
            }

            for (var c = 0; c < k; c++)
            {
                var sum = sums.AsSpan(c * d, d);
                var norm = TensorPrimitives.Norm<float>(sum);
                if (norm > 0)
                {
                    // An emptied cluster keeps its old centre rather than vanishing mid-run.
                    TensorPrimitives.Divide(sum, norm, centroids.AsSpan(c * d, d));
                }
            }
        }

        return Enumerable.Range(0, k)
            .Select(c => Enumerable.Range(0, items.Count).Where(i => assignment[i] == c).Select(i => items[i]).Order().ToArray())
            .Where(members => members.Length > 0)
            .OrderByDescending(members => members.Length).ThenBy(members => members[0])
            .ToList();
    }

    private static float[] InitialCentroids(ItemEmbeddings embeddings, IReadOnlyList<int> items, int k, EvaluationRandom random)
    {
        // k-means++ (Arthur and Vassilvitskii 2007) with the cosine distance 1 - <x, c>.
        var d = embeddings.Dimension;
        var centroids = new float[k * d];
        embeddings[items[random.NextInt(items.Count)]].CopyTo(centroids.AsSpan(0, d));
        var distance = new double[items.Count];
        Array.Fill(distance, double.MaxValue);
        for (var c = 1; c < k; c++)
        {
            var previous = centroids.AsSpan((c - 1) * d, d);
            double total = 0;
            for (var i = 0; i < items.Count; i++)
            {
                var gap = Math.Max(0, 1 - TensorPrimitives.Dot(embeddings[items[i]], previous));
                distance[i] = Math.Min(distance[i], gap * gap);
                total += distance[i];
            }

            var target = random.NextDouble() * total;
            var chosen = items.Count - 1;
            for (var i = 0; i < items.Count; i++)
            {
                target -= distance[i];
                if (target < 0)
                {
                    chosen = i;
                    break;
                }
            }

            embeddings[items[chosen]].CopyTo(centroids.AsSpan(c * d, d));
        }

        return centroids;
    }

    private static int Nearest(float[] centroids, int k, ReadOnlySpan<float> x)
    {
        var d = x.Length;
        var best = 0;
        var bestDot = float.NegativeInfinity;
        for (var c = 0; c < k; c++)
        {
            var dot = TensorPrimitives.Dot(x, centroids.AsSpan(c * d, d));
            if (dot > bestDot)
            {
                (best, bestDot) = (c, dot);
            }
        }

        return best;
    }
}
