using System.Globalization;
using StreamRec.Recommender.Privacy;

namespace StreamRec.UnitTests.Recommender;

public sealed class PrivateTopKTests
{
    private const double Delta = 0.6;
    private const double Alpha = 1e-6;

    [Fact]
    public void Noise_scale_is_2S_plus_1_over_epsilon_per_round_in_grid_units()
    {
        // Δ = 0.6: g = 2^-11, S = ceil(0.6 * 2048) + 1 = 1230 units; K = 10, ε = 1: t = ceil(2461/0.1).
        Assert.Equal(Math.ScaleB(1, -11), ScoreGrid.Unit(Delta));
        Assert.Equal(1230, ScoreGrid.SensitivityUnits(Delta));
        Assert.Equal(24_610, PrivateTopK.NoiseScaleUnits(10, 1, Delta));
        Assert.Equal(2461, PrivateTopK.NoiseScaleUnits(1, 1, Delta));
        Assert.Equal(308, PrivateTopK.NoiseScaleUnits(1, 8, Delta)); // 2461/8 = 307.6, rounded up
    }

    /// <summary>
    /// A small noise scale (t = 3 units), so that ties are common, on 40 candidates (the first 17 take the
    /// "lead" path, the rest the lazy path): the empirical top-1 distribution against the exact one.
    /// Chi-square at false-failure rate 1e-6 (bins of expected count >= 100).
    /// </summary>
    [Fact]
    public void Top_one_follows_the_exact_noisy_argmax_distribution_with_uniform_ties()
    {
        var units = Enumerable.Range(0, 40).Select(j => (long)(j * 7 % 11)).ToArray();
        var scores = units.Select(u => (float)(u * ScoreGrid.Unit(Delta))).ToArray();
        var epsilon = (2.0 * ScoreGrid.SensitivityUnits(Delta) + 1) / 3;
        var scale = PrivateTopK.NoiseScaleUnits(1, epsilon, Delta);
        var exact = ExactTopOne.Probabilities(units, scale, [.. Enumerable.Range(0, 40)]);

        const int runs = 200_000;
        var counts = new double[40];
        var mechanism = new PrivateTopK();
        for (var i = 0; i < runs; i++)
        {
            counts[mechanism.Select(scores, 1, epsilon, Delta, CryptoRandomSource.Shared).Rows[0]]++;
        }

        AssertFits(counts, [.. exact.Select(p => p * runs)], $"top-1 of 40 at t = {scale}");
    }

    /// <summary>The ordered pair of K = 2 rounds: P(i, j) = P_1(i) P_2(j | i removed), both rounds exact. Chi-square at 1e-6.</summary>
    [Fact]
    public void Two_rounds_follow_the_exact_peeling_distribution()
    {
        long[] units = [0, 1, 1, 2, 4, 4];
        var scores = units.Select(u => (float)(u * ScoreGrid.Unit(Delta))).ToArray();
        var epsilon = 2 * (2.0 * ScoreGrid.SensitivityUnits(Delta) + 1) / 2; // t = 2 units per round
        var scale = PrivateTopK.NoiseScaleUnits(2, epsilon, Delta);
        var all = Enumerable.Range(0, 6).ToList();
        var first = ExactTopOne.Probabilities(units, scale, all);
        var expected = new double[36];
        foreach (var i in all)
        {
            var second = ExactTopOne.Probabilities(units, scale, [.. all.Where(j => j != i)]);
            foreach (var j in all.Where(j => j != i))
            {
                expected[(i * 6) + j] = first[i] * second[j];
            }
        }

        const int runs = 200_000;
        var counts = new double[36];
        var mechanism = new PrivateTopK();
        for (var r = 0; r < runs; r++)
        {
            var rows = mechanism.Select(scores, 2, epsilon, Delta, CryptoRandomSource.Shared).Rows;
            Assert.NotEqual(rows[0], rows[1]);
            counts[(rows[0] * 6) + rows[1]]++;
        }

        var pairs = Enumerable.Range(0, 36).Where(p => p / 6 != p % 6).ToList();
        AssertFits([.. pairs.Select(p => counts[p])], [.. pairs.Select(p => expected[p] * runs)], $"ordered pairs of 6 at t = {scale}");
    }

    [Fact]
    public void Rows_are_distinct_skip_exclusions_and_spend_epsilon()
    {
        var scores = Enumerable.Range(0, 1000).Select(i => (float)Math.Sin(i)).ToArray();
        var excluded = new HashSet<int> { 3, 5, 7, 999 };
        var selection = new PrivateTopK().Select(scores, 10, 2, Delta, new SeededRandomSource(1), excluded);

        Assert.Equal(10, selection.Rows.Length);
        Assert.Equal(10, selection.Rows.Distinct().Count());
        Assert.DoesNotContain(selection.Rows, excluded.Contains);
        Assert.Equal(2, selection.EpsilonSpent, 12);
        Assert.Equal(PrivateTopK.MechanismName, selection.Mechanism);
    }

    [Fact]
    public void Fewer_candidates_than_k_return_them_all_and_spend_only_those_rounds()
    {
        float[] scores = [0.1f, 0.2f, 0.3f, 0.4f];
        var selection = new PrivateTopK().Select(scores, 10, 1, Delta, new SeededRandomSource(2), new HashSet<int> { 0 });

        Assert.Equal([1, 2, 3], selection.Rows.Order());
        Assert.Equal(0.3, selection.EpsilonSpent, 12);
        Assert.Empty(new PrivateTopK().Select([], 3, 1, Delta, new SeededRandomSource(3)).Rows);
    }

    [Fact]
    public void A_clear_winner_wins_when_the_noise_is_small()
    {
        // ε = 10,000 for one round: t = 1 unit against a lead of 1,000 units; losing needs noise > 500 t.
        var scores = new float[100];
        scores[42] = 1000 * (float)ScoreGrid.Unit(Delta);
        var mechanism = new PrivateTopK();
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(42, mechanism.Select(scores, 1, 10_000, Delta, new SeededRandomSource((ulong)i)).Rows[0]);
        }
    }

    [Fact]
    public void Invalid_input_is_refused()
    {
        var mechanism = new PrivateTopK();
        var random = new SeededRandomSource(4);
        Assert.Throws<ArgumentOutOfRangeException>(() => mechanism.Select([0.1f, float.NaN], 1, 1, Delta, random));
        Assert.Throws<ArgumentOutOfRangeException>(() => mechanism.Select([0.1f], 1, 0, Delta, random));
        Assert.Throws<ArgumentOutOfRangeException>(() => mechanism.Select([0.1f], 1, double.PositiveInfinity, Delta, random));
        Assert.Throws<ArgumentOutOfRangeException>(() => mechanism.Select([0.1f], 0, 1, Delta, random));
        Assert.Throws<ArgumentOutOfRangeException>(() => mechanism.Select([0.1f], 1, 1, 0, random));
        Assert.Throws<ArgumentOutOfRangeException>(() => mechanism.Select([1e30f], 1, 1, Delta, random));
    }

    private static void AssertFits(double[] observed, double[] expected, string what)
    {
        var (o, e) = Statistics.MergeSmallBins(observed, expected, 100);
        var statistic = Statistics.ChiSquare(o, e);
        var critical = Statistics.ChiSquareCritical(o.Count - 1, Alpha);
        Assert.True(statistic < critical, string.Create(CultureInfo.InvariantCulture,
            $"{what}: chi-square {statistic:0.0} on {o.Count - 1} degrees of freedom, threshold {critical:0.0} (false-failure rate {Alpha})"));
    }
}
