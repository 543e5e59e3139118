namespace StreamRec.Evaluation;

/// <summary>
/// One example user for the report: StreamRec's CUSUM S at every event (at the shipped defaults), the
/// threshold each event was judged against (h, growing with the user's events), the true change points
/// and each detector's alarms.
/// </summary>
public sealed record DriftTimeline(string Label, StreamKind Kind, double[] Cusum, double[] Thresholds, int[] ChangePoints, IReadOnlyList<TimelineAlarms> Alarms);
