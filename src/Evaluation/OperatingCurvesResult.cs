namespace StreamRec.Evaluation;

/// <summary>Everything <see cref="OperatingCurves"/> measured: per family and detector, the calibrated points at each budget and the test frontier.</summary>
/// <param name="MaxDelay">The longest delay that still detects an abrupt change.</param>
/// <param name="Budgets">The false-alarm budgets, per 1,000 events on the controls, increasing.</param>
/// <param name="Families">The test split's families, in order.</param>
/// <param name="Controls">The test split's controls.</param>
/// <param name="Detectors">Detector names, in the sweeps' order.</param>
/// <param name="Selections">Per family, detector, budget and budget variant, the calibrated point (absent where no point met the budget).</param>
/// <param name="Curves">Per family and detector, the test frontier.</param>
public sealed record OperatingCurvesResult(
    int MaxDelay,
    IReadOnlyList<double> Budgets,
    IReadOnlyList<SpliceFamily> Families,
    IReadOnlyList<EvaluationStream> Controls,
    IReadOnlyList<string> Detectors,
    IReadOnlyList<CurveSelection> Selections,
    IReadOnlyList<DetectorCurve> Curves)
{
    /// <summary>The calibrated point of <paramref name="detector"/> on <paramref name="family"/> at <paramref name="budget"/>, or null when none met it.</summary>
    public CurveSelection? Selection(string family, string detector, double budget, bool everyStratum) =>
        Selections.FirstOrDefault(s => s.Family == family && s.Detector == detector && s.Budget == budget && s.EveryStratum == everyStratum);
}
