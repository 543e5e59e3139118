using System.Globalization;
using StreamRec.DriftDetector.Detection;
using StreamRec.Recommender.Privacy;
using StreamRec.Recommender.Scoring;
using StreamRec.Storage;

namespace StreamRec.UnitTests.Recommender;

public sealed class ScoreSensitivityTests
{
    [Fact]
    public void Delta_is_two_a_w_max()
    {
        Assert.Equal(0.6, ScoreSensitivity.ForEwma(0.3, 1), 15);
        Assert.Equal(0.6, ScoreSensitivity.Default, 15);
        Assert.Equal(0.06, ScoreSensitivity.ForEwma(0.03, 1), 15);
        Assert.Throws<ArgumentOutOfRangeException>(() => ScoreSensitivity.ForEwma(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ScoreSensitivity.ForEwma(1.5, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ScoreSensitivity.ForEwma(0.3, 0));
    }

    [Fact]
    public void The_bound_is_attained_by_replacing_the_last_event_with_its_opposite()
    {
        var (catalog, s, sPrime) = PrivateTopKAuditTests.NeighbouringUsers();
        var scores = new float[catalog.Count];
        var scoresPrime = new float[catalog.Count];
        CandidateScores.Compute(catalog, s, scores);
        CandidateScores.Compute(catalog, sPrime, scoresPrime);
        var eta = ScoreSensitivity.Float32RoundingBound(8, 0.3, 1);

        Assert.InRange(Math.Abs(scores[0] - scoresPrime[0]), 0.6 - eta, 0.6 + eta);
    }

    /// <summary>
    /// Random neighbouring histories at D = 64 through the real code (float EWMA of the detector, float
    /// SIMD scores), a third of them the worst case: no computed score moves by more than Δ + η, and each computed score is within its
    /// share of η of the exact (double) one. Deterministic (seeded): a property check, not a statistical test.
    /// </summary>
    [Fact]
    public void Computed_scores_of_random_neighbours_move_by_at_most_delta_plus_the_rounding_bound()
    {
        const int d = 64;
        var random = new Random(20261201);
        float[] Unit()
        {
            var v = new float[d];
            for (var i = 0; i < d; i++)
            {
                v[i] = (float)((random.NextDouble() * 2) - 1);
            }

            var norm = MathF.Sqrt(v.Sum(x => x * x));
            return [.. v.Select(x => x / norm)]; // normalised in float32, as the encoder does
        }

        var catalog = new ItemMatrix(d, 300);
        for (var i = 0; i < 300; i++)
        {
            catalog.Add(i.ToString(CultureInfo.InvariantCulture), Unit());
        }

        float[] weights = [0.25f, 0.5f, 0.75f, 1f];
        var parameters = new DriftParameters();
        var detector = new InterestDriftDetector(parameters);
        var eta = ScoreSensitivity.Float32RoundingBound(d, 0.3, 1);
        var worst = 0.0;
        for (var pair = 0; pair < 60; pair++)
        {
            var length = random.Next(20, 400);
            var events = Enumerable.Range(0, length).Select(_ => (Vector: Unit(), Weight: weights[random.Next(4)])).ToArray();
            var replaced = pair % 3 == 0 ? length - 1 : random.Next(length);
            var other = (Vector: Unit(), Weight: weights[random.Next(4)]);
            if (pair % 3 == 0)
            {
                // The worst case: the last event e at weight 1 against -e, and e itself in the catalog.
                events[replaced] = (events[replaced].Vector, 1f);
                other = ([.. events[replaced].Vector.Select(x => -x)], 1f);
                catalog.Add($"worst-{pair}", events[replaced].Vector);
            }

            var a = UserDriftState.New(d, parameters);
            var b = UserDriftState.New(d, parameters);
            var exactA = new double[d];
            var exactB = new double[d];
            for (var t = 0; t < length; t++)
            {
                var (ea, wa) = events[t];
                var (eb, wb) = t == replaced ? other : events[t];
                detector.Apply(a, ea, wa);
                detector.Apply(b, eb, wb);
                for (var i = 0; i < d; i++)
                {
                    exactA[i] = (0.7 * exactA[i]) + (0.3 * wa * ea[i]);
                    exactB[i] = (0.7 * exactB[i]) + (0.3 * wb * eb[i]);
                }
            }

            var scoresA = new float[catalog.Count];
            var scoresB = new float[catalog.Count];
            CandidateScores.Compute(catalog, a.Short, scoresA);
            CandidateScores.Compute(catalog, b.Short, scoresB);
            for (var j = 0; j < catalog.Count; j++)
            {
                var row = catalog.Row(j);
                var exactScoreA = 0.0;
                for (var i = 0; i < d; i++)
                {
                    exactScoreA += exactA[i] * row[i];
                }

                Assert.True(Math.Abs(scoresA[j] - exactScoreA) <= eta / 2,
                    $"pair {pair}, item {j}: computed {scoresA[j]} vs exact {exactScoreA}, beyond eta/2 = {eta / 2}");
                var moved = Math.Abs(scoresA[j] - scoresB[j]);
                worst = Math.Max(worst, moved);
                Assert.True(moved <= 0.6 + eta, $"pair {pair}, item {j}: score moved by {moved}, above Δ + η = {0.6 + eta}");
            }
        }

        Assert.True(worst > 0.6 - eta, $"the check is vacuous: the largest move was only {worst}");
    }

    [Fact]
    public void Float32_rounding_stays_below_one_grid_unit_up_to_D_2048()
    {
        var unit = ScoreGrid.Unit(ScoreSensitivity.Default);
        Assert.True(ScoreSensitivity.Float32RoundingBound(64, 0.3, 1) < 2e-5);
        Assert.True(ScoreSensitivity.Float32RoundingBound(2048, 0.3, 1) < unit);
        Assert.True(ScoreSensitivity.Float32RoundingBound(8192, 0.3, 1) > unit); // where the grid would have to be coarser
    }

    [Fact]
    public void Grid_is_the_largest_power_of_two_not_above_delta_over_1024()
    {
        foreach (var delta in new[] { 0.6, 0.06, 1.0, 2.0, 1e-3, 0.5 + 1e-12 })
        {
            var unit = ScoreGrid.Unit(delta);
            Assert.Equal(unit, Math.ScaleB(1, Math.ILogB(unit))); // a power of two
            Assert.True(unit <= delta / 1024 && 2 * unit > delta / 1024, $"Δ = {delta}: g = {unit}");
            Assert.Equal((long)Math.Ceiling(delta / unit) + 1, ScoreGrid.SensitivityUnits(delta));
        }
    }

    /// <summary>
    /// The "+1 unit" argument, checked on values chosen to sit on rounding boundaries: two values within
    /// Δ + η (η &lt; g) of each other never snap more than S = ceil(Δ/g) + 1 units apart. Deterministic.
    /// </summary>
    [Fact]
    public void Values_within_delta_plus_eta_snap_at_most_S_units_apart()
    {
        var random = new Random(7);
        foreach (var delta in new[] { 0.6, 0.5, 0.0625 * 3 })
        {
            var unit = ScoreGrid.Unit(delta);
            var s = ScoreGrid.SensitivityUnits(delta);
            var eta = 0.999 * unit;
            for (var i = 0; i < 100_000; i++)
            {
                // x on or near a half-unit boundary, x' as far as allowed.
                var x = ((random.Next(-4000, 4000) + 0.5) * unit) + ((random.NextDouble() - 0.5) * 1e-9);
                var y = x + ((random.Next(2) == 0 ? 1 : -1) * (delta + (eta * random.NextDouble())));
                var apart = Math.Abs(ScoreGrid.Snap(x, unit) - ScoreGrid.Snap(y, unit));
                Assert.True(apart <= s, $"Δ = {delta}: {x} and {y} snapped {apart} units apart, above S = {s}");
            }
        }
    }
}
