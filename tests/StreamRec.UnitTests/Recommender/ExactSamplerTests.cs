using System.Globalization;
using StreamRec.Recommender.Privacy;

namespace StreamRec.UnitTests.Recommender;

/// <summary>
/// The exact building blocks against their probabilities, from the cryptographic source. Each
/// proportion is checked with a Chernoff (KL) confidence interval, exact at any n, at 1e-7 per side;
/// each chi-square at 1e-7. A correct implementation fails this class with probability below 3e-6
/// (union bound over its 20-odd checks).
/// </summary>
public sealed class ExactSamplerTests
{
    private const double Alpha = 1e-7;

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 3)]
    [InlineData(2, 3)]
    [InlineData(7, 2)]
    [InlineData(5, 1)]
    [InlineData(3, 1_000_003)]
    public void Bernoulli_exp_minus_n_over_d_has_probability_exp_minus_n_over_d(long numerator, long denominator)
    {
        const int trials = 400_000;
        var hits = 0L;
        for (var i = 0; i < trials; i++)
        {
            hits += ExactBernoulli.ExpMinus(CryptoRandomSource.Shared, numerator, denominator) ? 1 : 0;
        }

        AssertProportion(hits, trials, Math.Exp(-(double)numerator / denominator), $"Bernoulli(exp(-{numerator}/{denominator}))");
    }

    [Fact]
    public void Bernoulli_exp_minus_zero_is_certain()
    {
        for (var i = 0; i < 1000; i++)
        {
            Assert.True(ExactBernoulli.ExpMinus(CryptoRandomSource.Shared, 0, 7));
        }
    }

    [Theory]
    [InlineData(1UL, 2UL)]
    [InlineData(1UL, 3UL)]
    [InlineData(999UL, 1000UL)]
    [InlineData(123_456_789UL, 1UL << 62)]
    public void Rational_bernoulli_has_its_probability(ulong numerator, ulong denominator)
    {
        const int trials = 400_000;
        var bits = new RandomBits(CryptoRandomSource.Shared);
        var hits = 0L;
        for (var i = 0; i < trials; i++)
        {
            hits += bits.Bernoulli(numerator, denominator) ? 1 : 0;
        }

        AssertProportion(hits, trials, (double)numerator / denominator, $"Bernoulli({numerator}/{denominator})");
    }

    [Theory]
    [InlineData(3UL)]
    [InlineData(1000UL)]
    public void Uniform_below_n_is_uniform(ulong n)
    {
        var draws = (int)(1000 * n);
        var counts = new double[n];
        var bits = new RandomBits(CryptoRandomSource.Shared);
        for (var i = 0; i < draws; i++)
        {
            counts[bits.UniformBelow(n)]++;
        }

        var statistic = Statistics.ChiSquare(counts, [.. Enumerable.Repeat(1000.0, (int)n)]);
        var critical = Statistics.ChiSquareCritical((int)n - 1, Alpha);
        Assert.True(statistic < critical, string.Create(CultureInfo.InvariantCulture,
            $"uniform below {n}: chi-square {statistic:0.0} on {n - 1} degrees of freedom, threshold {critical:0.0} (false-failure rate {Alpha})"));
    }

    [Theory]
    [InlineData(5UL, 3UL)]
    [InlineData(5UL, 12UL)]
    public void The_lazy_tail_test_has_the_tail_probability_and_the_overshoot_is_geometric(ulong scale, ulong threshold)
    {
        // P(Z >= T) = q^T/(1 + q); given that, Z - T is geometric: P(j) = (1 - q) q^j.
        const int trials = 1_000_000;
        var bits = new RandomBits(CryptoRandomSource.Shared);
        var overshoots = new Dictionary<long, double>();
        var hits = 0L;
        for (var i = 0; i < trials; i++)
        {
            if (DiscreteLaplace.TrySampleAtLeast(ref bits, scale, threshold, out var value))
            {
                Assert.True(value >= (long)threshold, $"returned {value} below the threshold {threshold}");
                hits++;
                overshoots[value - (long)threshold] = overshoots.GetValueOrDefault(value - (long)threshold) + 1;
            }
        }

        AssertProportion(hits, trials, DiscreteLaplaceTests.UpperTail((long)threshold, scale), $"P(Z >= {threshold}) at scale {scale}");

        var q = Math.Exp(-1.0 / scale);
        var observed = new List<double>();
        var expected = new List<double>();
        for (var j = 0; j < 200; j++)
        {
            observed.Add(overshoots.GetValueOrDefault(j));
            expected.Add(hits * (1 - q) * Math.Pow(q, j));
        }

        observed.Add(overshoots.Where(p => p.Key >= 200).Sum(p => p.Value));
        expected.Add(hits * Math.Pow(q, 200));
        var (o, e) = Statistics.MergeSmallBins(observed, expected, 100);
        var statistic = Statistics.ChiSquare(o, e);
        var critical = Statistics.ChiSquareCritical(o.Count - 1, Alpha);
        Assert.True(statistic < critical, string.Create(CultureInfo.InvariantCulture,
            $"overshoot above {threshold} at scale {scale}: chi-square {statistic:0.0} on {o.Count - 1} degrees of freedom, threshold {critical:0.0} (false-failure rate {Alpha})"));
    }

    private static void AssertProportion(long hits, long trials, double p, string what)
    {
        var lower = Statistics.LowerBound(hits, trials, Alpha);
        var upper = Statistics.UpperBound(hits, trials, Alpha);
        Assert.True(lower <= p && p <= upper, string.Create(CultureInfo.InvariantCulture,
            $"{what}: {hits:N0} of {trials:N0} = {(double)hits / trials:0.00000}, expected {p:0.00000}; Chernoff interval [{lower:0.00000}, {upper:0.00000}] at {Alpha} per side"));
    }
}
