using System.Diagnostics.Metrics;
using StreamRec.Messaging;

namespace StreamRec.Recommender.Stage;

/// <summary>The Recommender's instruments. No label carries a user.</summary>
public sealed class RecommenderMetrics
{
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
    }

    public Counter<long> Published { get; }

    public Counter<double> EpsilonSpent { get; }

    public Counter<long> BudgetExhausted { get; }

    public Counter<long> NoCandidates { get; }

    public Histogram<double> EventToRecommendation { get; }

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
