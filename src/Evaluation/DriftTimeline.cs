namespace StreamRec.Evaluation;

/// <summary>
/// One example user for the report: StreamRec's CUSUM S at every event (at the shipped defaults), its
/// threshold h, the true change points and each detector's alarms.
/// </summary>
public sealed record DriftTimeline(string Label, StreamKind Kind, double[] Cusum, double Threshold, int[] ChangePoints, IReadOnlyList<TimelineAlarms> Alarms);
