using System.Globalization;
using StreamRec.DriftDetector.Detection;

namespace StreamRec.Evaluation;

/// <summary>
/// The detectors of the evaluation and the thresholds each is tried at. All share StreamRec's
/// rates, warm-up and cool-down. The two detectors with a second parameter get a small grid of it on
/// top of the threshold, both picked on calibration: StreamRec's k with h (its threshold's growth with a
/// user's events as shipped; the former fixed threshold is a detector of its own), Page-Hinkley's δ with λ. The
/// naive rule, ADWIN, KSWIN and BOCPD have only their threshold.
/// </summary>
public static class DetectorSweeps
{
    public const string StreamRec = "StreamRec CUSUM";
    public const string StreamRecDefaults = "StreamRec CUSUM (defaults)";
    public const string StreamRecFixed = "StreamRec CUSUM, fixed h (former)";
    public const string Naive = "naive ||s_t - s_t-1||";
    public const string PageHinkley = "Page-Hinkley on d";
    public const string Adwin = "ADWIN on d";
    public const string Kswin = "KSWIN on d";
    public const string Bocpd = "BOCPD on cos(e, l)";

    /// <summary>Seeds KSWIN's draws of its older sample (every user's draws start again from it).</summary>
    public const ulong KswinSeed = 1;

    /// <summary>Values of StreamRec's k tried (the shipped one is added when it is not among them).</summary>
    public static readonly double[] Slacks = [0.5, 1, 1.5, 2];

    /// <summary>Values of k tried for the former statistic (a fixed threshold from a 20-event warm-up on), kept for comparison.</summary>
    public static readonly double[] FixedThresholdSlacks = [0.5, 1];

    /// <summary>Values of Page-Hinkley's δ tried.</summary>
    public static readonly double[] Deltas = [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2];

    /// <param name="parameters">StreamRec's parameters; the sweeps vary its k and h and keep the rest.</param>
    /// <param name="dimension">D.</param>
    /// <param name="points">Thresholds per sweep (fewer for a quick run).</param>
    public static List<DetectorSweep> Standard(DriftParameters parameters, int dimension, int points)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var sweeps = new List<DetectorSweep>();
        foreach (var k in Slacks.Append(parameters.CusumSlack).Distinct().Order())
        {
            sweeps.Add(new DetectorSweep(StreamRec, Invariant($"k={k:0.###}"), "h", DetectorSweep.Geometric(1, 200, points),
                h => new StreamRecDetector(parameters with { CusumSlack = k, CusumThreshold = h }, dimension)));
        }

        // The statistic as shipped before its threshold grew with the user's events: same z, fixed h, 20-event warm-up.
        foreach (var k in FixedThresholdSlacks)
        {
            sweeps.Add(new DetectorSweep(StreamRecFixed, Invariant($"k={k:0.###}"), "h", DetectorSweep.Geometric(1, 200, points),
                h => new StreamRecDetector(parameters with { CusumSlack = k, CusumThreshold = h, ThresholdGrowth = 0, WarmUpEvents = 20 }, dimension)));
        }

        sweeps.Add(new DetectorSweep(Naive, "", "tau", DetectorSweep.Geometric(0.02, 0.6, points),
            tau => new ConsecutiveChangeDetector(parameters, dimension, tau)));
        foreach (var delta in Deltas)
        {
            sweeps.Add(new DetectorSweep(PageHinkley, Invariant($"delta={delta:0.###}"), "lambda", DetectorSweep.Geometric(0.02, 20, points),
                lambda => new PageHinkleyDetector(parameters, dimension, delta, lambda)));
        }

        // The three detectors below have river's defaults for everything but their threshold. ADWIN's δ
        // and KSWIN's α are confidence levels: the higher, the more alarms. KSWIN's α reaches down to 1e-14
        // (the smallest p-value of 30 against 30 is 2/C(60, 30), about 1e-17): above 1e-6 its real-data
        // alarm rate never fell below 2 per 1,000 events. BOCPD costs about R_max = 300
        // Student-t densities per event, so it gets half the thresholds of the others; its θ runs from 0.07
        // to 0.999 (P(r_t < 5) seldom passes 0.999 even at a clear switch: by then the new run is 5 long).
        sweeps.Add(new DetectorSweep(Adwin, "clock=32", "delta", DetectorSweep.Geometric(1e-6, 0.5, points),
            delta => new AdwinDetector(parameters, dimension, delta)));
        sweeps.Add(new DetectorSweep(Kswin, "window=100 sample=30", "alpha", DetectorSweep.Geometric(1e-14, 0.2, points),
            alpha => new KswinDetector(parameters, dimension, alpha, KswinSeed)));
        sweeps.Add(new DetectorSweep(Bocpd, "H=1/250", "-log10(1-theta)", DetectorSweep.Geometric(0.03, 3, Math.Max(2, points / 2)),
            level => new BocpdDetector(parameters, dimension, BocpdDetector.Theta(level))));

        return sweeps;
    }

    /// <summary>StreamRec exactly as shipped: one point, at its default h.</summary>
    public static DetectorSweep Defaults(DriftParameters parameters, int dimension)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return new DetectorSweep(StreamRecDefaults, Invariant($"k={parameters.CusumSlack:0.###}"), "h", [parameters.CusumThreshold],
            h => new StreamRecDetector(parameters with { CusumThreshold = h }, dimension));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
