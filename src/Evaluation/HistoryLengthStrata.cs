namespace StreamRec.Evaluation;

/// <summary>
/// False alarms per history-length stratum. The product holds the detector to at most 1 false alarm per
/// 1,000 events for every user, yet an overall rate is dominated by the long histories (most events are
/// theirs) and can hide that short and long histories behave differently: alarms grow with the length of
/// the history. The strata, by a stream's number of events: [0, 80), [80, 150], (150, 300] and above 300,
/// labelled "&lt; 80", "80-150", "151-300" and "&gt; 300" (an upper bound belongs to the lower stratum).
/// The interval resamples users within a stratum, not events: alarms cluster in the users who drift,
/// so events of one user are not independent draws.
/// </summary>
public static class HistoryLengthStrata
{
    /// <summary>The strata's labels, shortest histories first.</summary>
    public static readonly IReadOnlyList<string> Labels = ["< 80", "80-150", "151-300", "> 300"];

    /// <summary>Inclusive upper bounds of all strata but the last.</summary>
    private static readonly int[] UpperBounds = [79, 150, 300];

    /// <summary>Bootstrap streams of <see cref="EvaluationRandom.For"/>: apart from those of the stream generators.</summary>
    private const ulong BootstrapPurpose = 0x5757_0001UL;

    /// <summary>The index in <see cref="Labels"/> of a stream of <paramref name="events"/> events.</summary>
    public static int IndexOf(int events)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(events);
        var index = Array.FindIndex(UpperBounds, bound => events <= bound);
        return index < 0 ? UpperBounds.Length : index;
    }

    /// <summary>
    /// Rates per stratum of the given streams' outcomes (one per user), with a 95% percentile bootstrap
    /// interval from <paramref name="resamples"/> resamples of the stratum's users. The resamples depend on
    /// the seed and the stratum only, so every detector is measured on the same resampled users.
    /// </summary>
    public static List<StratumRate> Measure(IReadOnlyList<StreamOutcome> outcomes, ulong seed, int resamples)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(resamples);
        return [.. Labels.Select((label, stratum) =>
        {
            var members = outcomes.Where(o => IndexOf(o.Events) == stratum).ToList();
            var (low, high) = RatioBootstrap.Interval([.. members.Select(o => ((long)o.FalseAlarms, (long)o.Events))], 1000, EvaluationRandom.For(seed, BootstrapPurpose, stratum), resamples);
            return new StratumRate(label, members.Count, members.Sum(o => (long)o.Events), members.Sum(o => (long)o.FalseAlarms), low, high);
        })];
    }

    /// <summary>
    /// Each detector of <paramref name="rows"/> at its chosen setting and threshold over <paramref name="controls"/>,
    /// the streams without a true change (every alarm on them is false), stratified by history length.
    /// </summary>
    public static List<DetectorStrata> Measure(IReadOnlyList<SelectedDetector> rows, IReadOnlyList<EvaluationStream> controls, ItemEmbeddings items,
        int maxDelay, ulong seed, int resamples)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(controls);
        return [.. rows.Select(row =>
        {
            var detector = row.Point.Sweep.Create(row.Point.Threshold);
            var outcomes = controls.Select(stream => ChangeMatching.Match(stream.Length, stream.ChangePoints, ThresholdSweep.Alarms(detector, stream, items), maxDelay, stream.ChangeSpans)).ToList();
            return new DetectorStrata(row.Detector, row.Point.Describe(), Measure(outcomes, seed, resamples));
        })];
    }
}
