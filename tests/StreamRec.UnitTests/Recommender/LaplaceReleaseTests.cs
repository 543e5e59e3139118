using System.Globalization;
using StreamRec.Recommender.Privacy;

namespace StreamRec.UnitTests.Recommender;

/// <summary>
/// The score release: on the grid, centred on the snapped value, with the stated scale. Mean and
/// variance checks at false-failure rate 1e-6 each (6 checks: below 6e-6 for the class).
/// </summary>
public sealed class LaplaceReleaseTests
{
    private const double Delta = 0.6;
    private const double FalseFailure = 1e-6;

    [Fact]
    public void Scale_is_K_times_S_over_epsilon_rounded_up_to_whole_units()
    {
        Assert.Equal(12_300, LaplaceRelease.NoiseScaleUnits(10, 1, Delta)); // 10 * 1230 / 1
        Assert.Equal(1538, LaplaceRelease.NoiseScaleUnits(10, 8, Delta));   // 12300 / 8 = 1537.5
        Assert.Equal(1, LaplaceRelease.NoiseScaleUnits(1, 1e6, Delta));
    }

    [Fact]
    public void Releases_lie_on_the_grid_are_unbiased_and_have_the_stated_variance()
    {
        float[] values = [0.3f, -0.1234f, 0.55f];
        const double epsilon = 1;
        const int runs = 200_000;
        var unit = ScoreGrid.Unit(Delta);
        var scale = LaplaceRelease.NoiseScaleUnits(values.Length, epsilon, Delta);
        var variance = DiscreteLaplace.Variance(scale) * unit * unit;
        var sums = new double[values.Length];
        var squares = new double[values.Length];
        var release = new LaplaceRelease();
        for (var r = 0; r < runs; r++)
        {
            var released = release.Release(values, epsilon, Delta, CryptoRandomSource.Shared);
            for (var i = 0; i < values.Length; i++)
            {
                var units = released[i] / unit;
                Assert.Equal(Math.Round(units), units); // exactly a multiple of g
                sums[i] += released[i];
                squares[i] += released[i] * released[i];
            }
        }

        var z = Statistics.TwoSidedNormalCritical(FalseFailure);
        // Fourth central moment of the noise, in units^4, from the pmf (for the variance's own spread).
        var q = Math.Exp(-1.0 / scale);
        var fourth = 2 * (1 - q) / (1 + q) * SumOfFourthPowers(q) * Math.Pow(unit, 4);
        for (var i = 0; i < values.Length; i++)
        {
            var centre = ScoreGrid.Snap(values[i], unit) * unit;
            var mean = sums[i] / runs;
            var sampleVariance = (squares[i] / runs) - (mean * mean);
            var meanTolerance = z * Math.Sqrt(variance / runs);
            var varianceTolerance = z * Math.Sqrt((fourth - (variance * variance)) / runs);
            Assert.True(Math.Abs(mean - centre) <= meanTolerance, string.Create(CultureInfo.InvariantCulture,
                $"value {values[i]}: mean {mean:G6}, expected {centre:G6} +- {meanTolerance:G3} (false-failure rate {FalseFailure})"));
            Assert.True(Math.Abs(sampleVariance - variance) <= varianceTolerance, string.Create(CultureInfo.InvariantCulture,
                $"value {values[i]}: variance {sampleVariance:G6}, expected {variance:G6} +- {varianceTolerance:G3} (scale {scale} units, false-failure rate {FalseFailure})"));
        }
    }

    [Fact]
    public void Nothing_to_release_costs_nothing_and_bad_input_is_refused()
    {
        var release = new LaplaceRelease();
        Assert.Empty(release.Release([], 1, Delta, CryptoRandomSource.Shared));
        Assert.Throws<ArgumentOutOfRangeException>(() => release.Release([float.PositiveInfinity], 1, Delta, CryptoRandomSource.Shared));
        Assert.Throws<ArgumentOutOfRangeException>(() => release.Release([0.5f], -1, Delta, CryptoRandomSource.Shared));
    }

    private static double SumOfFourthPowers(double q)
    {
        // sum over k >= 1 of k^4 q^k, summed directly until the terms vanish.
        double sum = 0, power = q;
        for (var k = 1; power > 1e-300 && k < 10_000_000; k++, power *= q)
        {
            sum += Math.Pow(k, 4) * power;
        }

        return sum;
    }
}
