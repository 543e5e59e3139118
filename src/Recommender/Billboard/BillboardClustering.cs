using System.Numerics.Tensors;
using StreamRec.Contracts;

namespace StreamRec.Recommender.Billboard;

/// <summary>
/// The billboard's interest clusters: spherical k-means (cosine similarity; Dhillon and Modha 2001) with
/// k-means++ initialisation drawn from a fixed seed, over the public catalog's item vectors. Public
/// input, fixed seed, fixed iteration order: the same catalog gives the same centroids, so the clusters
/// cost no privacy. (Float sums may still differ in the last bit between CPUs with different vector
/// widths, which is why the first replica's centroids are stored in Redis and every other one uses
/// them.) A small copy of Evaluation's algorithm: the Recommender must not depend on the evaluation code.
/// </summary>
public static class BillboardClustering
{
    /// <summary>The seed of every billboard clustering: centroids are a function of the catalog alone.</summary>
    public const ulong Seed = 0xB111_B0A2_D5EE_D001UL;

    /// <summary>
    /// Up to <paramref name="k"/> unit centroids of <paramref name="vectors"/> (all of one dimension): k of
    /// them when there are at least k vectors, else one per vector. A zero vector joins the first cluster.
    /// </summary>
    public static float[][] Centroids(IReadOnlyList<float[]> vectors, int k, ulong seed = Seed, int maxIterations = 50)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (vectors.Count == 0)
        {
            return [];
        }

        var d = vectors[0].Length;
        var points = vectors.Select(v => Unit(v, d)).ToArray();
        k = Math.Min(k, points.Length);
        var centroids = Initial(points, k, new SplitMix64(seed));
        var assignment = new int[points.Length];
        Array.Fill(assignment, -1);
        var sum = new float[d];
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            var moved = 0;
            for (var i = 0; i < points.Length; i++)
            {
                var nearest = Nearest(centroids, points[i]);
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

            for (var c = 0; c < k; c++)
            {
                Array.Clear(sum);
                for (var i = 0; i < points.Length; i++)
                {
                    if (assignment[i] == c)
                    {
                        TensorPrimitives.Add(sum, points[i], sum);
                    }
                }

                var norm = TensorPrimitives.Norm<float>(sum);
                if (norm > 0)
                {
                    // An emptied cluster keeps its old centre rather than vanishing mid-run.
                    TensorPrimitives.Divide(sum, norm, centroids[c]);
                }
            }
        }

        return centroids;
    }

    /// <summary>The index of the centroid with the largest dot product with <paramref name="x"/> (the lowest on a tie).</summary>
    public static int Nearest(IReadOnlyList<float[]> centroids, ReadOnlySpan<float> x)
    {
        ArgumentNullException.ThrowIfNull(centroids);
        var best = 0;
        var bestDot = float.NegativeInfinity;
        for (var c = 0; c < centroids.Count; c++)
        {
            var dot = TensorPrimitives.Dot(x, centroids[c]);
            if (dot > bestDot)
            {
                (best, bestDot) = (c, dot);
            }
        }

        return best;
    }

    private static float[] Unit(float[] vector, int d)
    {
        if (vector.Length != d)
        {
            throw new ArgumentException($"Every vector must have dimension {d}; one has {vector.Length}.", nameof(vector));
        }

        var unit = (float[])vector.Clone();
        var norm = TensorPrimitives.Norm<float>(unit);
        if (norm > 0)
        {
            TensorPrimitives.Divide(unit, norm, unit);
        }

        return unit;
    }

    /// <summary>k-means++ (Arthur and Vassilvitskii 2007) with the cosine distance 1 - &lt;x, c&gt;.</summary>
    private static float[][] Initial(float[][] points, int k, SplitMix64 random)
    {
        var centroids = new float[k][];
        centroids[0] = (float[])points[random.NextInt(points.Length)].Clone();
        var distance = new double[points.Length];
        Array.Fill(distance, double.MaxValue);
        for (var c = 1; c < k; c++)
        {
            double total = 0;
            for (var i = 0; i < points.Length; i++)
            {
                var gap = Math.Max(0, 1 - TensorPrimitives.Dot(points[i], centroids[c - 1]));
                distance[i] = Math.Min(distance[i], gap * gap);
                total += distance[i];
            }

            var chosen = points.Length - 1;
            if (total > 0)
            {
                var target = random.NextDouble() * total;
                for (var i = 0; i < points.Length; i++)
                {
                    target -= distance[i];
                    if (target < 0)
                    {
                        chosen = i;
                        break;
                    }
                }
            }
            else
            {
                // Every point coincides with a centre already: any choice is as good; keep it seeded.
                chosen = random.NextInt(points.Length);
            }

            centroids[c] = (float[])points[chosen].Clone();
        }

        return centroids;
    }
}
