namespace StreamRec.Evaluation;

/// <summary>
/// A percentile bootstrap interval of a ratio of sums over units (users, streams): false alarms over
/// events, detected changes over changes. Units are resampled whole, with replacement, because what
/// happens inside one user is not a set of independent draws (alarms and detections cluster in users).
/// </summary>
internal static class RatioBootstrap
{
    /// <summary>The 2.5th and 97.5th percentiles (nearest rank) of scale x sum(numerator) / sum(denominator) over <paramref name="resamples"/> resamples; NaN for no units.</summary>
    public static (double Low, double High) Interval(IReadOnlyList<(long Numerator, long Denominator)> units, double scale, EvaluationRandom random, int resamples)
    {
        ArgumentNullException.ThrowIfNull(units);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(resamples);
        if (units.Count == 0)
        {
            return (double.NaN, double.NaN);
        }

        var ratios = new double[resamples];
        for (var r = 0; r < resamples; r++)
        {
            long numerator = 0, denominator = 0;
            for (var i = 0; i < units.Count; i++)
            {
                var unit = units[random.NextInt(units.Count)];
                numerator += unit.Numerator;
                denominator += unit.Denominator;
            }

            ratios[r] = denominator == 0 ? 0 : scale * numerator / denominator;
        }

        Array.Sort(ratios);
        double Rank(double fraction) => ratios[Math.Clamp((int)Math.Ceiling((fraction * resamples) - 1e-9) - 1, 0, resamples - 1)];
        return (Rank(0.025), Rank(0.975));
    }
}
