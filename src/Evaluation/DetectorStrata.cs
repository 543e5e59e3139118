namespace StreamRec.Evaluation;

/// <summary>A row of the history-length table: one detector at the setting of the main table, its false alarms per stratum.</summary>
/// <param name="Detector">The detector's name.</param>
/// <param name="Setting">Its setting and threshold, e.g. "k=0.5 h=8".</param>
/// <param name="Strata">One entry per stratum of <see cref="HistoryLengthStrata.Labels"/>, in that order.</param>
public sealed record DetectorStrata(string Detector, string Setting, IReadOnlyList<StratumRate> Strata);
