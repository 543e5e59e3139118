using StreamRec.DriftDetector.Detection;
using StreamRec.Evaluation;
using StreamRec.UnitTests.DriftDetector;

namespace StreamRec.UnitTests.Evaluation;

/// <summary>ADWIN, KSWIN and BOCPD: their cores against examples worked by hand, then as detectors on interest streams.</summary>
public sealed class StrongBaselineTests
{
    private const int Dimension = 8;
    private static readonly DriftParameters Defaults = new();

    [Fact]
    public void Adwin_histogram_merges_the_two_oldest_buckets_of_a_full_row_and_keeps_the_exact_variance()
    {
        // Five buckets per row: the 6th value merges 1+2 into row 1, the 8th 3+4, the 10th 5+6, the 12th
        // 7+8, leaving row 0 = {9, 10, 11, 12} and row 1 = {1+2, 3+4, 5+6, 7+8}. The window's variance is
        // kept exactly: Σ (i - 6.5)² for i = 1..12 = 12 (12² - 1) / 12 = 143.
        var window = new AdaptiveWindow(0.002, clock: 1000);
        for (var i = 1; i <= 12; i++)
        {
            Assert.False(window.Update(i));
        }

        Assert.Equal([4, 4], window.BucketsPerRow);
        Assert.Equal(12, window.Width);
        Assert.Equal(78, window.Total);
        Assert.Equal(143, window.Variance, 9);
    }

    [Fact]
    public void Adwin_epsilon_cut_is_the_hoeffding_bound_with_rivers_sub_window_correction()
    {
        // 28 zeros then 32 ones, split between them: n0 = 28, n1 = 32, n = 60, variance 28·32/60² = 0.248889.
        // ln(2/δ') = ln(2 ln 60 / 0.002) = ln(4094.34) = 8.317362; 1/m = 1/(28-5+1) + 1/(32-5+1) = 1/24 + 1/28 = 0.077381;
        // ε = sqrt(2 · 0.077381 · 0.248889 · 8.317362) + 2/3 · 8.317362 · 0.077381 = 0.566015 + 0.429070 = 0.995085 < 1: a cut.
        Assert.Equal(0.995085, AdaptiveWindow.CutThreshold(28, 32, 60, 28.0 * 32 / 3600, 0.002, 5), 5);

        // One zero fewer: n0 = 27, n1 = 32, n = 59, variance 27·32/59² = 0.248205; ln(2 ln 59 / 0.002) = 8.313249;
        // 1/m = 1/23 + 1/28 = 0.079193; ε = 0.571673 + 0.438898 = 1.010571 > 1: no cut.
        Assert.Equal(1.010571, AdaptiveWindow.CutThreshold(27, 32, 59, 27.0 * 32 / (59 * 59), 0.002, 5), 5);
    }

    [Fact]
    public void Adwin_drops_the_old_values_until_no_cut_is_left_and_says_the_mean_rose()
    {
        // With one value per bucket (64 allowed per row) and one check at the 64th value, 32 zeros then 32
        // ones: the split 31 | 33 already differs by 32/33 = 0.970 > ε = 0.943, so zeros are dropped one
        // by one while a cut remains. With 28 zeros the split at the step still cuts (ε = 0.995, above);
        // with 27 no split does (at the step ε = 1.011 > 1; every other split has a smaller difference and
        // a larger ε), so 59 values remain, 32 of them ones.
        var window = new AdaptiveWindow(0.002, clock: 64, maxBuckets: 64);
        var changed = Enumerable.Range(0, 64).Select(i => window.Update(i < 32 ? 0 : 1)).ToList();

        Assert.Equal(63, changed.IndexOf(true));
        Assert.Equal(59, window.Width);
        Assert.Equal(32, window.Total);
        Assert.True(window.IncreaseDetected);
        Assert.True(window.Evidence > 0);
    }

    [Fact]
    public void Adwin_cuts_a_fall_of_the_mean_without_calling_it_an_increase()
    {
        // The mirror image of the example above (1 - x): the same cuts, the same 59 values, 32 of them zeros.
        var window = new AdaptiveWindow(0.002, clock: 64, maxBuckets: 64);
        var changed = Enumerable.Range(0, 64).Select(i => window.Update(i < 32 ? 1 : 0)).ToList();

        Assert.True(changed[63]);
        Assert.Equal(59, window.Width);
        Assert.Equal(27, window.Total);
        Assert.False(window.IncreaseDetected);
        Assert.True(window.Evidence < 0);
    }

    [Theory]
    // Two samples of 3 apart: D = 1, h = 3; P(D >= 1) = 2 C(6, 0) / C(6, 3) = 2/20.
    [InlineData(new double[] { 1, 2, 3 }, new double[] { 4, 5, 6 }, 1.0, 0.1)]
    // F1 - F2 = 2/3 just after 2: D = 2/3, h = 2; P = 2 (C(6, 1) - C(6, -1)) / 20 = 12/20.
    [InlineData(new double[] { 1, 2, 4 }, new double[] { 3, 5, 6 }, 2.0 / 3, 0.6)]
    // D = 1 with 4 each: 2 C(8, 0) / C(8, 4) = 2/70.
    [InlineData(new double[] { 4, 3, 2, 1 }, new double[] { 8, 7, 6, 5 }, 1.0, 2.0 / 70)]
    // D = 1/2 (after 2 and after 6), h = 2: 2 (C(8, 2) - C(8, 0)) / 70 = 2 (28 - 1) / 70 = 54/70.
    [InlineData(new double[] { 1, 2, 5, 6 }, new double[] { 3, 4, 7, 8 }, 0.5, 54.0 / 70)]
    // Ties count together: just after 1, 2/3 against 1/3, D = 1/3, h = 1; 2 (C(6, 2) - C(6, 1) + C(6, 0)) / 20 = 1.
    [InlineData(new double[] { 1, 1, 2 }, new double[] { 1, 2, 2 }, 1.0 / 3, 1.0)]
    public void Kolmogorov_Smirnov_gives_the_exact_two_sample_p_value(double[] first, double[] second, double statistic, double pValue)
    {
        var d = KolmogorovSmirnov.Statistic(first.ToArray(), second.ToArray());

        Assert.Equal(statistic, d, 12);
        Assert.Equal(pValue, KolmogorovSmirnov.PValue(d, first.Length), 12);
    }

    [Fact]
    public void Kswin_tests_once_the_window_is_full_and_keeps_the_recent_sample_after_a_change()
    {
        // 70 zeros then 30 ones: every draw from the older 70 is zeros, the recent 30 are ones, so D = 1 and
        // p = 2 / C(60, 30) = 1.7e-17 whatever the draw; afterwards only the 30 recent values are left, so
        // the next value does not test.
        var window = new KolmogorovSmirnovWindow(alpha: 1e-6, seed: 7);
        var changed = Enumerable.Range(0, 100).Select(i => window.Update(i < 70 ? 0 : 1)).ToList();

        Assert.Equal(99, changed.IndexOf(true));
        Assert.Equal(1, window.Statistic);
        Assert.Equal(2 / 118264581564861424.0, window.PValue, 1e-22); // C(60, 30) = 118264581564861424
        Assert.True(window.Increase);
        Assert.False(window.Update(1));

        var falling = new KolmogorovSmirnovWindow(alpha: 1e-6, seed: 7);
        Assert.True(Enumerable.Range(0, 100).Select(i => falling.Update(i < 70 ? 1 : 0)).ToList()[^1]);
        Assert.False(falling.Increase);
    }

    [Fact]
    public void Bocpd_run_length_posterior_follows_the_recursion_worked_by_hand()
    {
        // H = 0.2, prior μ0 = 0, κ0 = 1, α0 = 1, β0 = 1. The prior predictive is Student-t with ν = 2,
        // scale² = β (κ + 1) / (α κ) = 2: π(x) = Γ(3/2) / (Γ(1) sqrt(2π · 2)) (1 + x²/4)^(-3/2) = (1/4) (1 + x²/4)^(-3/2).
        var posterior = new RunLengthPosterior(hazard: 0.2, maxRunLength: 300, mean0: 0, kappa0: 1, beta0: 1);

        // x1 = 0: one run, so P(r=0) = H = 0.2 and P(r=1) = 0.8. Run 1: μ = 0, κ = 2, α = 3/2, β = 1 + 1·0²/4 = 1.
        posterior.Update(0);
        Assert.Equal(0.2, posterior.Probabilities[0], 12);
        Assert.Equal(0.8, posterior.Probabilities[1], 12);

        // x2 = 2. Run 0 (prior): π0 = (1/4) 2^(-3/2) = 0.0883883. Run 1: ν = 3, scale² = 1·3 / (1.5·2) = 1,
        // π1 = Γ(2) / (Γ(3/2) sqrt(3π)) (1 + 4/3)^(-2) = 2 / (π sqrt 3) · 9/49 = 0.0675097.
        // Growth: 0.2·π0·0.8 = 0.0141421 (r=1) and 0.8·π1·0.8 = 0.0432062 (r=2); change: 0.2 (0.2 π0 + 0.8 π1) = 0.0143371.
        // Evidence 0.0716854: P(r=0) = 0.2, P(r=1) = 0.8 · 0.0176777 / 0.0716854 = 0.197281, P(r=2) = 0.602719.
        posterior.Update(2);
        Assert.Equal(0.2, posterior.Probabilities[0], 12);
        Assert.Equal(0.197281, posterior.Probabilities[1], 6);
        Assert.Equal(0.602719, posterior.Probabilities[2], 6);
        Assert.Equal(1.0, posterior.PredictiveMean(1), 12); // (1·0 + 2) / 2
        Assert.Equal(2.0 / 3, posterior.PredictiveMean(2), 12); // (2·0 + 2) / 3
        Assert.Equal(0.397281, posterior.ShortRunProbability(2), 6); // P(r=0) + P(r=1)
    }

    [Fact]
    public void Bocpd_folds_the_mass_past_the_longest_run_into_the_last_cell()
    {
        // The example above with R_max = 2 and a third observation x3 = 2. Run 1 (x2 only): μ = 1, κ = 2,
        // α = 3/2, β = 1 + 1·2²/4 = 2; ν = 3, scale² = 2·3 / 3 = 2: π1 = 2 / (π sqrt 6) (1 + 1/6)^(-2) = 0.190946.
        // Run 2 (x1, x2): μ = 2/3, κ = 3, α = 2, β = 1 + 2·2²/6 = 7/3; ν = 4, scale² = (7/3)·4 / 6 = 14/9:
        // π2 = Γ(5/2) / (Γ(2) sqrt(4π·14/9)) (1 + (16/9) / (56/9))^(-5/2) = 0.300669 · (9/7)^(-5/2) = 0.160408.
        // Joint: 0.2·π0 = 0.0176777, 0.197281·π1 = 0.0376700, 0.602719·π2 = 0.0966812; total 0.152029.
        // P(r=0) = 0.2, P(r=1) = 0.8 · 0.0176777 / 0.152029 = 0.093023, P(r>=2) = 0.8 · (0.0376700 + 0.0966812) / 0.152029 = 0.706977.
        var posterior = new RunLengthPosterior(hazard: 0.2, maxRunLength: 2, mean0: 0, kappa0: 1, beta0: 1);
        posterior.Update(0);
        posterior.Update(2);
        posterior.Update(2);

        Assert.Equal(3, posterior.Probabilities.Length);
        Assert.Equal(0.2, posterior.Probabilities[0], 12);
        Assert.Equal(0.093023, posterior.Probabilities[1], 6);
        Assert.Equal(0.706977, posterior.Probabilities[2], 6);
        Assert.Equal(4.0 / 3, posterior.PredictiveMean(2), 12); // the last cell keeps the last R_max = 2 observations {2, 2}: (1·0 + 4) / 3
    }

    [Fact]
    public void Bocpd_says_in_which_direction_the_observations_moved()
    {
        // 100 observations about 0.8 then 3 about 0.3 (and the reverse): a change 3 observations ago is
        // nearly certain either way; the mean of the new run minus the old one's is about -0.5 (or +0.5).
        var falling = new RunLengthPosterior(BocpdDetector.Hazard, BocpdDetector.MaxRunLength, 0, 1, 0.1);
        var rising = new RunLengthPosterior(BocpdDetector.Hazard, BocpdDetector.MaxRunLength, 0, 1, 0.1);
        for (var i = 0; i < 103; i++)
        {
            var jitter = 0.02 * ((i % 3) - 1);
            falling.Update((i < 100 ? 0.8 : 0.3) + jitter);
            rising.Update((i < 100 ? 0.3 : 0.8) + jitter);
        }

        Assert.True(falling.ShortRunProbability(5) > 0.95);
        Assert.True(rising.ShortRunProbability(5) > 0.95);
        Assert.True(falling.ShortRunShift(5) < -0.3, $"shift {falling.ShortRunShift(5)}");
        Assert.True(rising.ShortRunShift(5) > 0.3, $"shift {rising.ShortRunShift(5)}");
    }

    public static TheoryData<string> Detectors => [DetectorSweeps.Adwin, DetectorSweeps.Kswin, DetectorSweeps.Bocpd];

    [Theory]
    [MemberData(nameof(Detectors))]
    public void Each_baseline_alarms_soon_after_a_switch_of_interest(string name)
    {
        const int SwitchAt = 200;

        var alarms = Alarms(Detector(name), Switching(seed: 11, SwitchAt));

        Assert.NotEmpty(alarms);
        Assert.InRange(alarms[0], SwitchAt, SwitchAt + MaxDelay(name));
    }

    [Theory]
    [MemberData(nameof(Detectors))]
    public void Each_baseline_is_silent_on_a_stationary_user_at_the_same_threshold(string name)
    {
        foreach (var seed in new[] { 21, 22, 23 })
        {
            Assert.Empty(Alarms(Detector(name), Stationary(seed)));
        }
    }

    [Theory]
    [MemberData(nameof(Detectors))]
    public void Reset_makes_each_baseline_repeat_itself(string name)
    {
        var stream = Switching(seed: 11, switchAt: 200);
        var detector = Detector(name);

        var first = stream.Select(x => detector.Step(x.Embedding, x.Weight)).ToList();
        detector.Reset();
        var again = stream.Select(x => detector.Step(x.Embedding, x.Weight)).ToList();

        Assert.Equal(first, again);
        Assert.Contains(first, s => s.Alarm);
    }

    [Fact]
    public void Adwin_and_kswin_do_not_alarm_when_the_drift_falls()
    {
        // A user who narrows down onto the interest l already points at: d = 1 - cos(s, l) falls to about 0,
        // which both windows see as a change (fed the same d, they find one); neither detector may call it one.
        var stream = Settling(seed: 13);
        var drifts = new List<double>();
        var vectors = new InterestVectors(Dimension, Defaults.ShortRate, Defaults.LongRate);
        foreach (var (e, w) in stream)
        {
            vectors.Apply(e, w);
            drifts.Add(vectors.Drift());
        }

        var adwin = new AdaptiveWindow(AdwinDelta);
        Assert.Contains(drifts.Skip(1).ToList(), d => adwin.Update(d));
        Assert.Empty(Alarms(Detector(DetectorSweeps.Adwin), stream));

        var kswin = new KolmogorovSmirnovWindow(KswinAlpha, DetectorSweeps.KswinSeed);
        Assert.Contains(drifts.Skip(1).ToList(), d => kswin.Update(d));
        Assert.Empty(Alarms(Detector(DetectorSweeps.Kswin), stream));
    }

    [Fact]
    public void Bocpd_does_not_alarm_when_the_similarity_rises()
    {
        // The same user narrowing down: cos(e, l) jumps from about 0.7 to about 1 at event 200. BOCPD is
        // sure of a change (P(r_t < 5) passes θ) but a rise is a return to focus, not a new interest.
        var stream = Settling(seed: 13);
        var detector = Detector(DetectorSweeps.Bocpd);
        var steps = stream.Select(x => detector.Step(x.Embedding, x.Weight)).ToList();

        Assert.Contains(steps.Skip(200).Take(10), s => s.Score > BocpdDetector.Theta(BocpdLevel));
        Assert.DoesNotContain(steps, s => s.Alarm);
    }

    /// <summary>Thresholds at which each detector finds the switch below and stays silent on the stationary users.</summary>
    private const double AdwinDelta = 0.1;
    private const double KswinAlpha = 1e-6;
    private const double BocpdLevel = 1; // θ = 0.9

    private static IChangeDetector Detector(string name) => name switch
    {
        DetectorSweeps.Adwin => new AdwinDetector(Defaults, Dimension, AdwinDelta),
        DetectorSweeps.Kswin => new KswinDetector(Defaults, Dimension, KswinAlpha, DetectorSweeps.KswinSeed),
        _ => new BocpdDetector(Defaults, Dimension, BocpdDetector.Theta(BocpdLevel)),
    };

    /// <summary>ADWIN checks every 32 values; KSWIN needs part of its 30 recent values from the new interest; BOCPD sees the fall at once.</summary>
    private static int MaxDelay(string name) => name switch
    {
        DetectorSweeps.Adwin => 32,
        DetectorSweeps.Kswin => 30,
        _ => 5,
    };

    private static List<int> Alarms(IChangeDetector detector, List<(float[] Embedding, float Weight)> stream)
    {
        detector.Reset();
        return [.. stream.Select((x, i) => (detector.Step(x.Embedding, x.Weight).Alarm, i)).Where(x => x.Alarm).Select(x => x.i)];
    }

    /// <summary>400 events around one interest, then (from <paramref name="switchAt"/>) around another; mixed weights.</summary>
    private static List<(float[] Embedding, float Weight)> Switching(int seed, int switchAt)
    {
        var streams = new DriftStreams(Dimension, seed);
        var (a, b) = (streams.Centre(), streams.Centre());
        return [.. Enumerable.Range(0, 400).Select(i => (streams.Around(i < switchAt ? a : b, 0.4), i % 4 == 0 ? 1f : 0.5f))];
    }

    private static List<(float[] Embedding, float Weight)> Stationary(int seed)
    {
        var streams = new DriftStreams(Dimension, seed);
        var a = streams.Centre();
        return [.. Enumerable.Range(0, 400).Select(i => (streams.Around(a, 0.4), i % 4 == 0 ? 1f : 0.5f))];
    }

    /// <summary>
    /// A user who narrows down: 200 events at 45° from one interest u (u plus a random orthogonal unit
    /// vector), then 200 on u itself, where l already points. s settles onto l, so d falls, and every
    /// event is suddenly close to l: cos(e, l) rises from about 0.7 to about 1.
    /// </summary>
    private static List<(float[] Embedding, float Weight)> Settling(int seed)
    {
        var streams = new DriftStreams(Dimension, seed);
        var u = streams.Centre();
        return [.. Enumerable.Range(0, 400).Select(i => (i < 200 ? Broad(streams, u) : streams.Around(u, 0.05), 1f))];
    }

    private static float[] Broad(DriftStreams streams, float[] u)
    {
        var v = streams.Centre();
        var along = v.Zip(u, (x, y) => x * y).Sum();
        var orthogonal = v.Zip(u, (x, y) => x - (along * y)).ToArray();
        var norm = MathF.Sqrt(orthogonal.Sum(x => x * x));
        var e = u.Zip(orthogonal, (x, y) => x + (y / norm)).ToArray();
        var length = MathF.Sqrt(e.Sum(x => x * x));
        return [.. e.Select(x => x / length)];
    }
}
