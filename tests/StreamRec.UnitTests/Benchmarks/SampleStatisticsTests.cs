using StreamRec.Benchmarks.Harness;

namespace StreamRec.UnitTests.Benchmarks;

public sealed class SampleStatisticsTests
{
    [Fact]
    public void Median_of_an_odd_count_is_the_middle_value_and_of_an_even_count_the_mean_of_the_two()
    {
        Assert.Equal(3, SampleStatistics.Median([5, 1, 3]));
        Assert.Equal(2.5, SampleStatistics.Median([4, 1, 3, 2]));
        Assert.Equal(7, SampleStatistics.Median([7]));
    }

    [Fact]
    public void Quantiles_interpolate_between_the_closest_ranks_like_numpy()
    {
        double[] values = [.. Enumerable.Range(1, 100).Select(i => (double)i)];
        // numpy.percentile(range(1, 101), [0, 50, 90, 99, 100]) = 1, 50.5, 90.1, 99.01, 100
        Assert.Equal(1, SampleStatistics.Quantile(values, 0));
        Assert.Equal(50.5, SampleStatistics.Quantile(values, 0.5), 9);
        Assert.Equal(90.1, SampleStatistics.Quantile(values, 0.9), 9);
        Assert.Equal(99.01, SampleStatistics.Quantile(values, 0.99), 9);
        Assert.Equal(100, SampleStatistics.Quantile(values, 1));
    }

    [Fact]
    public void Quantile_does_not_depend_on_the_order_of_the_values()
    {
        Assert.Equal(SampleStatistics.Quantile([10, 20, 30, 40], 0.75), SampleStatistics.Quantile([40, 10, 30, 20], 0.75));
        Assert.Equal(32.5, SampleStatistics.Quantile([40, 10, 30, 20], 0.75), 9);
    }

    [Fact]
    public void Quantile_of_nothing_or_outside_0_1_is_an_error()
    {
        Assert.Throws<ArgumentException>(() => SampleStatistics.Quantile([], 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => SampleStatistics.Quantile([1], 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => SampleStatistics.Quantile([1], -0.1));
    }

    [Fact]
    public void Slope_of_points_on_a_line_is_the_line_s_slope()
    {
        double[] x = [0, 1, 2, 3, 4];
        Assert.Equal(2.5, SampleStatistics.Slope(x, [.. x.Select(v => 7 + (2.5 * v))]), 9);
        Assert.Equal(0, SampleStatistics.Slope(x, [3, 3, 3, 3, 3]), 9);
    }

    [Fact]
    public void Slope_is_the_least_squares_fit_of_scattered_points()
    {
        // y = 1, 3, 2, 5 at x = 0..3: slope = sum((x - 1.5)(y - 2.75)) / sum((x - 1.5)^2) = 5.5 / 5 = 1.1
        Assert.Equal(1.1, SampleStatistics.Slope([0, 1, 2, 3], [1, 3, 2, 5]), 9);
    }

    [Fact]
    public void Slope_of_fewer_than_two_distinct_x_is_zero_and_mismatched_lengths_are_an_error()
    {
        Assert.Equal(0, SampleStatistics.Slope([1], [5]));
        Assert.Equal(0, SampleStatistics.Slope([2, 2], [1, 9]));
        Assert.Throws<ArgumentException>(() => SampleStatistics.Slope([1, 2], [1]));
    }
}
