namespace StreamRec.Evaluation;

/// <summary>
/// A percentile bootstrap interval of a mean over units (splices): each unit's value is one number
/// already (a per-splice AUC), so units are resampled whole, with replacement, as <see cref="RatioBootstrap"/> does for ratios.
/// </summary>
internal static class MeanBootstrap
{
    /// <summary>The 2.5th and 97.5th percentiles (nearest rank) of the mean over <paramref name="resamples"/> resamples; NaN for no values.</summary>
    public static (double Low, double High) Interval(IReadOnlyList<double> values, EvaluationRandom random, int resamples)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(resamples);
        if (values.Count == 0)
        {
            return (double.NaN, double.NaN);
        }

        var means = new double[resamples];
        for (var r = 0; r < resamples; r++)
        {
            double sum = 0;
            for (var i = 0; i < values.Count; i++)
            {
                sum += values[random.NextInt(values.Count)];
            }

            means[r] = sum / values.Count;
        }

        Array.Sort(means);
        double Rank(double fraction) => means[Math.Clamp((int)Math.Ceiling((fraction * resamples) - 1e-9) - 1, 0, resamples - 1)];
        return (Rank(0.025), Rank(0.975));
    }
}
