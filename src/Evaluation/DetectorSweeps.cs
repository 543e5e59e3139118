using System.Globalization;
using StreamRec.DriftDetector.Detection;

namespace StreamRec.Evaluation;

/// <summary>
/// The three detectors of the evaluation and the thresholds each is tried at. All share StreamRec's
/// rates, warm-up and cool-down. The two detectors with a second parameter get a small grid of it on
/// top of the threshold, both picked on calibration: StreamRec's k with h, Page-Hinkley's δ with λ. The
/// naive rule has only its threshold.
/// </summary>
public static class DetectorSweeps
{
    public const string StreamRec = "StreamRec CUSUM";
    public const string StreamRecDefaults = "StreamRec CUSUM (defaults)";
    public const string Naive = "naive ||s_t - s_t-1||";
    public const string PageHinkley = "Page-Hinkley on d";

    /// <summary>Values of StreamRec's k tried (the shipped one is added when it is not among them).</summary>
    public static readonly double[] Slacks = [0.25, 0.5, 1, 1.5, 2, 3];

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

        sweeps.Add(new DetectorSweep(Naive, "", "tau", DetectorSweep.Geometric(0.02, 0.6, points),
            tau => new ConsecutiveChangeDetector(parameters, dimension, tau)));
        foreach (var delta in Deltas)
        {
            sweeps.Add(new DetectorSweep(PageHinkley, Invariant($"delta={delta:0.###}"), "lambda", DetectorSweep.Geometric(0.02, 20, points),
                lambda => new PageHinkleyDetector(parameters, dimension, delta, lambda)));
        }

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
