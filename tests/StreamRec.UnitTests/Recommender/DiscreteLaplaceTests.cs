using System.Globalization;
using StreamRec.Recommender.Privacy;

namespace StreamRec.UnitTests.Recommender;

/// <summary>
/// The sampler against the exact discrete Laplace pmf P(k) = (1 - q)/(1 + q) q^|k|, q = exp(-1/scale), at
/// 10^6 samples from the real (cryptographic) source: these tests are about the randomness, so no seed.
/// False-failure rate: each check is set at 1e-6 (chi-square, mean, variance), so a correct sampler fails
/// this class with probability below 6e-6 (two scales, three checks each; union bound).
/// </summary>
public sealed class DiscreteLaplaceTests
{
    private const int Samples = 1_000_000;
    private const double FalseFailure = 1e-6;

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    public void Crypto_samples_match_the_exact_pmf_and_a_wrong_scale_is_rejected(long scale)
    {
        var counts = Draw(scale);

        var fit = ChiSquareAgainst(counts, scale);
        Assert.True(fit.Statistic < fit.Critical, Describe("the intended pmf", scale, fit));

        // The same test, same samples, against a wrong scale: it must reject, i.e. it can fail.
        foreach (var wrong in new[] { scale + 1.0, 0.8 * scale })
        {
            var misfit = ChiSquareAgainst(counts, wrong);
            Assert.True(misfit.Statistic > misfit.Critical, Describe($"a wrong scale {wrong}", scale, misfit) + " (should have been rejected)");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    public void Mean_is_zero_and_variance_is_2q_over_1_minus_q_squared(long scale)
    {
        var counts = Draw(scale);
        var variance = DiscreteLaplace.Variance(scale);
        var fourth = Moment(scale, 4);
        double sum = 0, squares = 0;
        foreach (var (k, c) in counts)
        {
            sum += (double)k * c;
            squares += (double)k * k * c;
        }

        var mean = sum / Samples;
        var sampleVariance = (squares / Samples) - (mean * mean);
        var z = Statistics.TwoSidedNormalCritical(FalseFailure);
        var meanTolerance = z * Math.Sqrt(variance / Samples);
        var varianceTolerance = z * Math.Sqrt((fourth - (variance * variance)) / Samples);
        Assert.True(Math.Abs(mean) <= meanTolerance,
            string.Create(CultureInfo.InvariantCulture, $"scale {scale}: mean {mean:G5}, allowed +-{meanTolerance:G3} (z = {z:0.00}, false-failure rate {FalseFailure})"));
        Assert.True(Math.Abs(sampleVariance - variance) <= varianceTolerance,
            string.Create(CultureInfo.InvariantCulture, $"scale {scale}: variance {sampleVariance:G6}, expected {variance:G6} +- {varianceTolerance:G3} (false-failure rate {FalseFailure})"));
    }

    [Fact]
    public void Scale_outside_1_to_2_pow_40_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DiscreteLaplace.Sample(CryptoRandomSource.Shared, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => DiscreteLaplace.Sample(CryptoRandomSource.Shared, DiscreteLaplace.MaxScale + 1));
    }

    [Fact]
    public void The_variance_formula_is_the_second_moment_of_the_pmf()
    {
        foreach (var scale in new long[] { 1, 3, 10, 1000 })
        {
            Assert.Equal(Moment(scale, 2), DiscreteLaplace.Variance(scale), 1e-6 * DiscreteLaplace.Variance(scale));
        }
    }

    internal static double Pmf(long k, double scale)
    {
        var q = Math.Exp(-1 / scale);
        return (1 - q) / (1 + q) * Math.Pow(q, Math.Abs(k));
    }

    /// <summary>P(Z &gt;= k) for k &gt;= 1: q^k/(1 + q).</summary>
    internal static double UpperTail(long k, double scale)
    {
        var q = Math.Exp(-1 / scale);
        return Math.Pow(q, k) / (1 + q);
    }

    private static Dictionary<long, long> Draw(long scale)
    {
        var counts = new Dictionary<long, long>();
        for (var i = 0; i < Samples; i++)
        {
            var k = DiscreteLaplace.Sample(CryptoRandomSource.Shared, scale);
            counts[k] = counts.GetValueOrDefault(k) + 1;
        }

        return counts;
    }

    /// <summary>Bins k = -L..L with the two tails merged into single bins, then small bins merged until every expected count is >= 100.</summary>
    private static (double Statistic, double Critical, int Degrees) ChiSquareAgainst(Dictionary<long, long> counts, double scale)
    {
        var range = 0L;
        while (Samples * Pmf(range + 1, scale) >= 100)
        {
            range++;
        }

        var observed = new List<double> { counts.Where(p => p.Key < -range).Sum(p => (double)p.Value) };
        var expected = new List<double> { Samples * UpperTail(range + 1, scale) };
        for (var k = -range; k <= range; k++)
        {
            observed.Add(counts.GetValueOrDefault(k));
            expected.Add(Samples * Pmf(k, scale));
        }

        observed.Add(counts.Where(p => p.Key > range).Sum(p => (double)p.Value));
        expected.Add(Samples * UpperTail(range + 1, scale));
        var (o, e) = Statistics.MergeSmallBins(observed, expected, 100);
        var degrees = o.Count - 1;
        return (Statistics.ChiSquare(o, e), Statistics.ChiSquareCritical(degrees, FalseFailure), degrees);
    }

    private static string Describe(string against, long scale, (double Statistic, double Critical, int Degrees) fit) =>
        string.Create(CultureInfo.InvariantCulture,
            $"scale {scale}, {Samples:N0} samples vs {against}: chi-square {fit.Statistic:0.0} on {fit.Degrees} degrees of freedom, threshold {fit.Critical:0.0} (false-failure rate {FalseFailure})");

    private static double Moment(long scale, int power)
    {
        var sum = 0.0;
        for (var k = -200 * scale; k <= 200 * scale; k++)
        {
            sum += Math.Pow(k, power) * Pmf(k, scale);
        }

        return sum;
    }
}
