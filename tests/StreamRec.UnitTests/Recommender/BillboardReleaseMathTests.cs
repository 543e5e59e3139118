using StreamRec.Recommender.Billboard;
using StreamRec.Recommender.Privacy;

namespace StreamRec.UnitTests.Recommender;

/// <summary>
/// The billboard's release arithmetic with its state outside the process: a release at step t is the
/// exact count plus the stored noise of the nodes on t's tree path, exactly what the in-memory
/// <see cref="BinaryTreeCounter"/> releases with the same node noise; and the window arithmetic.
/// </summary>
public sealed class BillboardReleaseMathTests
{
    [Theory]
    [InlineData(1, new[] { 0 }, new[] { 0 })]
    [InlineData(6, new[] { 2, 1 }, new[] { 0, 2 })] // (0, 4] and (4, 6]
    [InlineData(7, new[] { 2, 1, 0 }, new[] { 0, 2, 6 })]
    [InlineData(24, new[] { 4, 3 }, new[] { 0, 2 })] // (0, 16] and (16, 24]
    public void The_path_of_step_t_is_its_dyadic_decomposition(int step, int[] levels, int[] indexes) =>
        Assert.Equal(levels.Zip(indexes).ToArray(), BinaryTreeCounter.NodesOf(step));

    [Fact]
    public void Releasing_from_stored_node_noise_reproduces_the_counter_exactly()
    {
        const int T = 37;
        const long Scale = 3;
        var increments = Enumerable.Range(1, T).Select(t => (long)((t * 7) % 5)).ToArray();
        var counter = new BinaryTreeCounter(T, Scale, new SeededRandomSource(42));

        // The counter draws one node's noise per step, for the node that step completes: the same draws, stored by node.
        var draws = new SeededRandomSource(42);
        var stored = new Dictionary<(int, int), int>();
        long prefix = 0;
        for (var t = 1; t <= T; t++)
        {
            stored[BinaryTreeCounter.NodeCompletedAt(t)] = (int)DiscreteLaplace.Sample(draws, Scale);
            prefix += increments[t - 1];
            var fromStore = prefix + BinaryTreeCounter.NodesOf(t).Sum(node => (long)stored[node]);

            Assert.Equal(counter.Add(increments[t - 1]), fromStore);
        }
    }

    [Fact]
    public void A_release_is_the_exact_count_plus_the_noise_along_the_path_clamped_at_zero()
    {
        long[] exact = [5, 0, 2, 7, 1, 0]; // 2 clusters x 3 items
        int[][] noise = [[1, -2, 0, 3, -4, 2], [-1, 1, -5, 0, 1, 1]];

        var release = BillboardReleaseMath.Release(exact, noise, clusters: 2);

        Assert.Equal([[5, 0, 0], [10, 0, 3]], release);
    }

    [Fact]
    public void A_snapshot_adds_the_previous_windows_release_item_by_item_when_the_clusters_are_the_same()
    {
        float[][] centroids = [[1, 0], [0, 1]];
        var previousFrame = new BillboardFrame(["a", "b", "gone"], centroids);
        var frame = new BillboardFrame(["a", "b", "new"], [[1, 0], [0, 1]]);
        long[][] previous = [[1, 2, 3], [4, 5, 6]];
        long[][] current = [[10, 20, 30], [40, 50, 60]];

        Assert.Equal([[11, 22, 30], [44, 55, 60]], BillboardReleaseMath.Combine(frame, current, previousFrame, previous));
        Assert.Equal(current, BillboardReleaseMath.Combine(frame, current, null, null));

        var otherClusters = new BillboardFrame(["a", "b", "new"], [[0, 1], [1, 0]]);
        Assert.Equal(current, BillboardReleaseMath.Combine(otherClusters, current, previousFrame, previous));
    }

    [Fact]
    public void Windows_are_aligned_on_the_epoch_and_the_due_step_is_the_one_that_ended_last()
    {
        var windows = new BillboardWindows(new BillboardOptions { Window = TimeSpan.FromSeconds(4), ReleasesPerWindow = 4 });

        Assert.Equal(8_000, windows.WindowStart(8_000));
        Assert.Equal(8_000, windows.WindowStart(11_999));
        Assert.Equal(-4_000, windows.WindowStart(-1));
        Assert.Equal((8_000L, 1), windows.Due(9_000));
        Assert.Equal((8_000L, 3), windows.Due(11_999));
        Assert.Equal((8_000L, 4), windows.Due(12_000)); // the window's last step ends where the next window starts
        Assert.Equal((8_000L, 4), windows.Due(12_999));
        Assert.Equal(13_000, windows.NextBoundary(12_000));
        Assert.Equal(10_000, windows.StepEnd(8_000, 2));
    }

    [Fact]
    public void A_frame_survives_its_redis_encoding()
    {
        var frame = new BillboardFrame(["a", "b", "é"], [[0.6f, 0.8f], [1, 0]]);

        var read = BillboardFrame.Read(frame.Write());

        Assert.Equal(frame.Items, read.Items);
        Assert.True(read.SameClusters(frame));
        Assert.Equal(2, read.IndexOf("é"));
        Assert.Equal(-1, read.IndexOf("unknown"));
    }
}
