namespace StreamRec.Evaluation;

/// <summary>
/// False alarms of one detector on the streams of one history-length stratum (<see cref="HistoryLengthStrata"/>),
/// with a bootstrap interval: the strata hold a few dozen users each, so a rate alone would overstate what they show.
/// </summary>
/// <param name="Stratum">The stratum's label, e.g. "80-150".</param>
/// <param name="Users">Streams in the stratum.</param>
/// <param name="Events">Their events, together.</param>
/// <param name="FalseAlarms">Their false alarms, together.</param>
/// <param name="Low">2.5th percentile of the resampled rates (NaN without users).</param>
/// <param name="High">97.5th percentile of the resampled rates (NaN without users).</param>
public sealed record StratumRate(string Stratum, int Users, long Events, long FalseAlarms, double Low, double High)
{
    /// <summary>False alarms per 1,000 events (NaN without events).</summary>
    public double PerThousand => Events == 0 ? double.NaN : 1000.0 * FalseAlarms / Events;
}
