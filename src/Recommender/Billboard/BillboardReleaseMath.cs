namespace StreamRec.Recommender.Billboard;

/// <summary>
/// The pure arithmetic of a billboard release, apart from Redis: the binary-tree release of every
/// (cluster, item) cell at step t is the exact count so far plus the stored noise of the nodes on t's
/// tree path (<see cref="Privacy.BinaryTreeCounter.NodesOf"/>), clamped at 0; a snapshot adds the previous
/// window's final release. Clamping and adding are post-processing of released values: they cost no ε.
/// </summary>
public static class BillboardReleaseMath
{
    /// <summary>
    /// The release as k rows of n counts: cell c x n + i is exact[cell] + the sum of the nodes' noise
    /// at that cell, then clamped at 0.
    /// </summary>
    /// <param name="exact">The exact distinct-user counts so far, per cell.</param>
    /// <param name="nodeNoise">The noise of each node on the step's path, per cell.</param>
    /// <param name="clusters">k; <paramref name="exact"/> holds k x n cells.</param>
    public static long[][] Release(ReadOnlySpan<long> exact, IReadOnlyList<int[]> nodeNoise, int clusters)
    {
        ArgumentNullException.ThrowIfNull(nodeNoise);
        ArgumentOutOfRangeException.ThrowIfLessThan(clusters, 1);
        if (exact.Length % clusters != 0)
        {
            throw new ArgumentException($"{exact.Length} cells do not make {clusters} equal rows.", nameof(exact));
        }

        var n = exact.Length / clusters;
        var rows = new long[clusters][];
        for (var c = 0; c < clusters; c++)
        {
            var row = rows[c] = new long[n];
            for (var i = 0; i < n; i++)
            {
                var cell = (c * n) + i;
                var value = exact[cell];
                foreach (var noise in nodeNoise)
                {
                    value += noise[cell];
                }

                row[i] = Math.Max(0, value);
            }
        }

        return rows;
    }

    /// <summary>
    /// The snapshot's counts: the current window's release plus, item by item, the previous window's
    /// final release when its clusters are the same ones (else the current release alone: a cluster
    /// index of another clustering means another group of users).
    /// </summary>
    public static long[][] Combine(BillboardFrame frame, long[][] current, BillboardFrame? previousFrame, long[][]? previous)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(current);
        var combined = current.Select(row => (long[])row.Clone()).ToArray();
        if (previousFrame is null || previous is null || !frame.SameClusters(previousFrame))
        {
            return combined;
        }

        for (var i = 0; i < previousFrame.Items.Length; i++)
        {
            var at = frame.IndexOf(previousFrame.Items[i]);
            if (at < 0)
            {
                continue; // no longer in the catalog: not on the billboard
            }

            for (var c = 0; c < combined.Length; c++)
            {
                combined[c][at] += previous[c][i];
            }
        }

        return combined;
    }
}
