using System.Numerics.Tensors;

namespace StreamRec.Recommender.Scoring;

/// <summary>
/// Non-private scoring: u(j) = &lt;user, row j&gt; for every candidate, and the exact top K. This is what
/// the private mechanisms (<see cref="Privacy.PrivateTopK"/>) take as input, and what a release would be
/// without privacy.
/// </summary>
public static class CandidateScores
{
    /// <summary>scores[j] = &lt;user, row j&gt;, for rows [0, matrix.Count); scores.Length &gt;= Count.</summary>
    public static void Compute(ItemMatrix matrix, ReadOnlySpan<float> user, Span<float> scores)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        var d = matrix.Dimension;
        if (user.Length != d)
        {
            throw new ArgumentException($"The user vector has {user.Length} values; the matrix has dimension {d}.", nameof(user));
        }

        var count = matrix.Count;
        if (scores.Length < count)
        {
            throw new ArgumentException($"scores holds {scores.Length} values; the matrix has {count} rows.", nameof(scores));
        }

        // One SIMD dot product per row over contiguous memory: at D = 64 a row is 256 bytes, so large
        // catalogs are bound by memory bandwidth (streamrec-bench topk measures how close this gets).
        var values = matrix.Values;
        for (var row = 0; row < count; row++)
        {
            scores[row] = TensorPrimitives.Dot(values.Slice(row * d, d), user);
        }
    }

    /// <summary>The K best rows by score (ties by row), best first; rows in <paramref name="excluded"/> skipped.</summary>
    public static int[] TopK(ReadOnlySpan<float> scores, int k, IReadOnlySet<int>? excluded = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        if (k == 0)
        {
            return [];
        }

        // A bounded min-heap of (score, row) keyed "worst on top": O(n log k), one pass, no sort of n.
        var heap = new PriorityQueue<int, (float Score, int Row)>(k + 1, WorstFirst.Instance);
        for (var row = 0; row < scores.Length; row++)
        {
            var score = scores[row];
            if (float.IsNaN(score))
            {
                throw new ArgumentException($"scores[{row}] is NaN.", nameof(scores));
            }

            if (heap.Count == k)
            {
                // Skip early: not better than the current K-th (a later row loses ties).
                heap.TryPeek(out _, out var worst);
                if (score <= worst.Score)
                {
                    continue;
                }
            }

            if (excluded is not null && excluded.Contains(row))
            {
                continue;
            }

            if (heap.Count == k)
            {
                heap.DequeueEnqueue(row, (score, row));
            }
            else
            {
                heap.Enqueue(row, (score, row));
            }
        }

        var result = new int[heap.Count];
        for (var i = result.Length - 1; i >= 0; i--)
        {
            result[i] = heap.Dequeue();
        }

        return result;
    }

    /// <summary>Orders (score, row) so that the WORST is dequeued first: lower score, or equal score and higher row.</summary>
    private sealed class WorstFirst : IComparer<(float Score, int Row)>
    {
        public static readonly WorstFirst Instance = new();

        public int Compare((float Score, int Row) x, (float Score, int Row) y)
        {
            var byScore = x.Score.CompareTo(y.Score);
            return byScore != 0 ? byScore : y.Row.CompareTo(x.Row);
        }
    }
}
