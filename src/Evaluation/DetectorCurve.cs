namespace StreamRec.Evaluation;

/// <summary>
/// A detector's test-split Pareto frontier on one family: of all its settings and thresholds, those that no
/// other beats on both recall and the controls' false alarms, by increasing false-alarm rate.
/// </summary>
public sealed record DetectorCurve(string Family, string Detector, IReadOnlyList<OperatingPoint> Frontier);
