namespace StreamRec.Evaluation;

/// <summary>
/// Picks a detector's operating point at a false-alarm budget on the calibration split only: the highest
/// recall among the points whose controls stay within the budget (overall, or in every history-length
/// stratum); ties go to fewer false alarms on the controls, then to the higher threshold.
/// </summary>
public static class CurveCalibration
{
    /// <param name="calibration">One detector's points (any of its settings) on one family of the calibration split.</param>
    /// <param name="budget">Most false alarms per 1,000 events on the controls.</param>
    /// <param name="everyStratum">Hold the budget in every history-length stratum, not only overall.</param>
    /// <returns>The index of the chosen point, or null when none is within the budget.</returns>
    public static int? Best(IReadOnlyList<OperatingPoint> calibration, double budget, bool everyStratum)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        int? best = null;
        for (var i = 0; i < calibration.Count; i++)
        {
            var point = calibration[i];
            if (!point.Within(budget, everyStratum) || double.IsNaN(point.Recall))
            {
                continue;
            }

            if (best is not { } b || Better(point, calibration[b]))
            {
                best = i;
            }
        }

        return best;
    }

    private static bool Better(OperatingPoint candidate, OperatingPoint incumbent) =>
        candidate.Recall != incumbent.Recall ? candidate.Recall > incumbent.Recall
        : candidate.ControlRate != incumbent.ControlRate ? candidate.ControlRate < incumbent.ControlRate
        : candidate.Threshold > incumbent.Threshold;
}
