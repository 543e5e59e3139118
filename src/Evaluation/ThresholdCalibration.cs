namespace StreamRec.Evaluation;

/// <summary>
/// Picks a detector's threshold on the calibration split only: the highest F1 there; ties go to fewer
/// false alarms per 1,000 events, then to the higher threshold (the more conservative one).
/// </summary>
public static class ThresholdCalibration
{
    /// <param name="points">One detector's sweep points (any of its settings).</param>
    /// <param name="admissible">When given, only points whose calibration result satisfies it are considered (e.g. a false-alarm budget).</param>
    /// <returns>The chosen point, or null when none is admissible.</returns>
    public static SweepPoint? Best(IEnumerable<SweepPoint> points, Func<DetectionResult, bool>? admissible = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        return points
            .Where(p => admissible is null || admissible(p.Calibration))
            .OrderByDescending(p => p.Calibration.F1)
            .ThenBy(p => p.Calibration.FalseAlarmsPerThousand)
            .ThenByDescending(p => p.Threshold)
            .FirstOrDefault();
    }
}
