namespace StreamRec.Benchmarks.Harness;

/// <summary>
/// The few statistics the benchmark tables quote: medians of repetitions, latency percentiles and the
/// least-squares slope of a soak curve. Pure, so that they are unit-tested.
/// </summary>
internal static class SampleStatistics
{
    /// <summary>The median (the mean of the two middle values for an even count).</summary>
    public static double Median(IReadOnlyCollection<double> values) => Quantile(values, 0.5);

    /// <summary>
    /// The <paramref name="quantile"/> (0..1) by linear interpolation between the closest ranks (numpy's
    /// default, "type 7"): 0 is the minimum, 1 the maximum, 0.5 the median.
    /// </summary>
    public static double Quantile(IReadOnlyCollection<double> values, double quantile)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("No values.", nameof(values));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(quantile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantile, 1);
        var sorted = values.Order().ToArray();
        return QuantileOfSorted(sorted, quantile);
    }

    /// <summary><see cref="Quantile"/> of values already sorted ascending (no copy).</summary>
    public static double QuantileOfSorted(ReadOnlySpan<double> sorted, double quantile)
    {
        if (sorted.IsEmpty)
        {
            throw new ArgumentException("No values.", nameof(sorted));
        }

        var position = quantile * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = (int)Math.Ceiling(position);
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * (position - lower));
    }

    /// <summary>The least-squares slope of y over x (units of y per unit of x); 0 for fewer than two distinct x.</summary>
    public static double Slope(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count)
        {
            throw new ArgumentException($"{x.Count} x values but {y.Count} y values.", nameof(y));
        }

        if (x.Count < 2)
        {
            return 0;
        }

        var meanX = x.Average();
        var meanY = y.Average();
        double sxy = 0, sxx = 0;
        for (var i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - meanX) * (y[i] - meanY);
            sxx += (x[i] - meanX) * (x[i] - meanX);
        }

        return sxx == 0 ? 0 : sxy / sxx;
    }
}
