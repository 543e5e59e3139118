namespace StreamRec.Evaluation;

/// <summary>What a detector says after one event: its decision statistic and whether it raised an alarm.</summary>
/// <param name="Score">The statistic compared with the threshold (StreamRec: the CUSUM S; before its reset when it alarms).</param>
/// <param name="Alarm">Whether this event raised an alarm (a detected change).</param>
public readonly record struct DetectorStep(double Score, bool Alarm);
