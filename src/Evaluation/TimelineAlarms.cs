namespace StreamRec.Evaluation;

/// <summary>Where one detector raised alarms on a timeline's stream.</summary>
public sealed record TimelineAlarms(string Detector, string Setting, int[] Alarms);
