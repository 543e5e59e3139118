using System.Numerics;
using StreamRec.Recommender.Privacy;

namespace StreamRec.UnitTests.Recommender;

/// <summary>
/// The binary-tree continual counter: exact structure (same noise, different data: the difference is the
/// exact prefix sum), the noise of release t is popcount(t) node noises (seeded, so deterministic; the
/// tolerance is 6 standard errors of a variance estimate), and the accounting constants.
/// </summary>
public sealed class BinaryTreeCounterTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(7, 3)]
    [InlineData(8, 4)]
    [InlineData(24, 5)]
    [InlineData(31, 5)]
    [InlineData(32, 6)]
    public void Levels_are_floor_log2_T_plus_1(int horizon, int levels) => Assert.Equal(levels, BinaryTreeCounter.LevelsFor(horizon));

    [Theory]
    [InlineData(24, 1, 32, 160)]
    [InlineData(24, 0.5, 32, 320)]
    [InlineData(24, 8, 32, 20)]
    [InlineData(1, 4, 1, 1)]
    [InlineData(8, 3, 1, 2)] // ceil(4/3)
    public void Node_scale_is_ceil_of_sensitivity_times_levels_over_epsilon(int horizon, double epsilon, double sensitivity, long scale) =>
        Assert.Equal(scale, BinaryTreeCounter.NodeScale(horizon, epsilon, sensitivity));

    [Fact]
    public void With_the_same_noise_the_releases_differ_by_exactly_the_prefix_sums()
    {
        const int T = 37;
        var increments = Enumerable.Range(1, T).Select(t => (long)((t * 7) % 5)).ToArray();
        var data = new BinaryTreeCounter(T, 3, new SeededRandomSource(42));
        var zeros = new BinaryTreeCounter(T, 3, new SeededRandomSource(42));

        long prefix = 0;
        for (var t = 0; t < T; t++)
        {
            prefix += increments[t];
            Assert.Equal(prefix, data.Add(increments[t]) - zeros.Add(0));
        }
    }

    [Fact]
    public void Release_t_carries_popcount_t_node_noises()
    {
        const int T = 8;
        const int Runs = 20_000;
        const long Scale = 2;
        var random = new SeededRandomSource(7);
        var sums = new double[T];
        var squares = new double[T];
        for (var run = 0; run < Runs; run++)
        {
            var counter = new BinaryTreeCounter(T, Scale, random);
            for (var t = 0; t < T; t++)
            {
                double error = counter.Add(1) - (t + 1);
                sums[t] += error;
                squares[t] += error * error;
            }
        }

        for (var t = 1; t <= T; t++)
        {
            var expected = BitOperations.PopCount((uint)t) * DiscreteLaplace.Variance(Scale);
            var mean = sums[t - 1] / Runs;
            var variance = (squares[t - 1] / Runs) - (mean * mean);

            // Discrete Laplace kurtosis is about 6, so a variance estimate's relative SE is about sqrt(5/Runs) = 1.6 %.
            Assert.InRange(variance / expected, 0.9, 1.1);
            Assert.InRange(mean, -6 * Math.Sqrt(expected / Runs), 6 * Math.Sqrt(expected / Runs));
        }
    }

    [Fact]
    public void No_release_past_the_horizon()
    {
        var counter = new BinaryTreeCounter(2, 1, new SeededRandomSource(1));
        counter.Add(1);
        counter.Add(1);

        Assert.Throws<InvalidOperationException>(() => counter.Add(1));
    }
}
