namespace StreamRec.Evaluation;

/// <summary>
/// A detector with its other parameters fixed (<see cref="Setting"/>) and the thresholds it is tried at.
/// A detector with a second parameter (Page-Hinkley's δ) has one sweep per value of it.
/// </summary>
/// <param name="Detector">The detector's name in tables and plots.</param>
/// <param name="Setting">The fixed parameters, e.g. "k=1.5".</param>
/// <param name="ThresholdSymbol">The threshold's name, e.g. "h".</param>
/// <param name="Thresholds">Values tried, increasing.</param>
/// <param name="Create">A new detector at a threshold.</param>
public sealed record DetectorSweep(string Detector, string Setting, string ThresholdSymbol, IReadOnlyList<double> Thresholds, Func<double, IChangeDetector> Create)
{
    /// <summary><paramref name="count"/> thresholds from <paramref name="low"/> to <paramref name="high"/>, evenly spaced in log scale, rounded to two significant digits (duplicates dropped).</summary>
    public static double[] Geometric(double low, double high, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(low);
        ArgumentOutOfRangeException.ThrowIfLessThan(high, low);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        var ratio = Math.Pow(high / low, 1.0 / (count - 1));
        return Enumerable.Range(0, count).Select(i => RoundToTwoDigits(low * Math.Pow(ratio, i))).Distinct().ToArray();
    }

    private static double RoundToTwoDigits(double value)
    {
        // Two significant digits: thresholds read well in tables, can be copied into a configuration
        // as they are, and the grid stays finer than the differences that matter (ratio >= 1.05 apart).
        var scale = Math.Pow(10, 1 - (int)Math.Floor(Math.Log10(value)));
        return Math.Round(value * scale) / scale;
    }
}
