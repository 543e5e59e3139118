using System.Diagnostics.Metrics;
using StreamRec.Messaging;

namespace StreamRec.Recommender.Stage;

/// <summary>The Recommender's instruments. No label carries a user.</summary>
public sealed class RecommenderMetrics
{
    /// <summary>Set once when the billboard starts, before the gauge that reports it is first read with a value.</summary>
    private double? _billboardEpsilon;

    public RecommenderMetrics(StreamRecMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var meter = metrics.Meter;
        Published = meter.CreateCounter<long>(
            "streamrec_recommendations_published_total", description: "Recommendation releases published, by trigger and privacy mode (joint or strict); a release published again after a replay counts again.");
        EpsilonSpent = meter.CreateCounter<double>(
            "streamrec_privacy_epsilon_spent_total", description: "Epsilon charged to users' privacy ledgers, summed over users.");
        BudgetExhausted = meter.CreateCounter<long>(
            "streamrec_privacy_budget_exhausted_total", description: "Releases not published because they would exceed the user's budget in the window.");
        NoCandidates = meter.CreateCounter<long>(
            "streamrec_recommendations_skipped_total", description: "Mutations not answered with a release, by reason (no_candidates: the catalog of the model holds no item of the interest's dimension).");
        EventToRecommendation = meter.CreateHistogram(
            "streamrec_event_to_recommendation_seconds", unit: "s",
            description: "From the triggering event's record time (set when the event entered the pipeline) to the publication of its release.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        BillboardReleases = meter.CreateCounter<long>(
            "streamrec_billboard_releases_total", description: "Billboard releases made by this process (one per model and step, whichever replica makes it).");
        BillboardEvents = meter.CreateCounter<long>(
            "streamrec_billboard_events_total",
            description: "Embedded events seen by the billboard, by outcome (counted; duplicate: item already counted for the user in the window; refused: the user's L items are used up; not_in_catalog: not a public catalog item; invalid: unreadable record).");
        meter.CreateObservableGauge<double>(
            "streamrec_billboard_epsilon_per_window", () => _billboardEpsilon is { } e ? [new Measurement<double>(e)] : Array.Empty<Measurement<double>>(),
            description: "User-level epsilon of one window of billboard releases (the guarantee every billboard record carries); absent when the billboard is off.");
    }

    public Counter<long> Published { get; }

    public Counter<double> EpsilonSpent { get; }

    public Counter<long> BudgetExhausted { get; }

    public Counter<long> NoCandidates { get; }

    public Histogram<double> EventToRecommendation { get; }

    public Counter<long> BillboardReleases { get; }

    /// <summary>By <c>outcome</c>: <see cref="Billboard.BillboardOutcomes"/>.</summary>
    public Counter<long> BillboardEvents { get; }

    /// <summary>Exports the billboard's guarantee and its counters at zero, so that their series exist before the first release.</summary>
    public void StartBillboard(double epsilonPerWindow)
    {
        _billboardEpsilon = epsilonPerWindow;
        BillboardReleases.Add(0);
        foreach (var outcome in Billboard.BillboardOutcomes.All)
        {
            BillboardEvents.Add(0, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    /// <summary>The <c>mode</c> label of <see cref="Published"/>: "joint" or "strict" (validated), so two series per trigger at most.</summary>
    public static KeyValuePair<string, object?> ModeTag(string mode) => new("mode", mode);

    /// <summary>Exports the counters at zero for releases made by <paramref name="trigger"/> in <paramref name="mode"/>, so that their series exist (and rate() sees the first increment) before anything happens.</summary>
    public void Start(KeyValuePair<string, object?> trigger, string mode)
    {
        Published.Add(0, trigger, ModeTag(mode));
        EpsilonSpent.Add(0);
        BudgetExhausted.Add(0);
        NoCandidates.Add(0, new KeyValuePair<string, object?>("reason", ReleaseMaker.NoCandidatesReason));
    }
}
