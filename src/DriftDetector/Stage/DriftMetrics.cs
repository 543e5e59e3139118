using System.Diagnostics.Metrics;
using StreamRec.Messaging;

namespace StreamRec.DriftDetector.Stage;

/// <summary>
/// The DriftDetector's instruments. For the stage, every consumed record is exactly one of: applied,
/// already applied (a replay, skipped by offset) or dead-lettered. No label carries a user.
/// </summary>
internal static class DriftMetrics
{
    public static readonly Histogram<double> Score = StreamRecMetrics.Meter.CreateHistogram(
        "streamrec_drift_score", unit: null,
        description: "Self-normalised drift z of each applied event (against the user's own history).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [-2, -1, 0, 0.5, 1, 1.5, 2, 3, 4, 6, 10] });

    public static readonly Counter<long> Mutations = StreamRecMetrics.Meter.CreateCounter<long>(
        "streamrec_mutations_total", description: "Interest mutations flagged.");

    public static readonly Counter<long> Applied = StreamRecMetrics.Meter.CreateCounter<long>(
        "streamrec_drift_events_applied_total", description: "Embedded events applied to a user's drift state.");

    public static readonly Counter<long> Replayed = StreamRecMetrics.Meter.CreateCounter<long>(
        "streamrec_drift_events_replayed_total", description: "Embedded events skipped because the user's stored state already holds them: replays after a crash or a rebalance of this stage, and copies an upstream stage's replay made (recognised by their raw-topic origin).");

    public static readonly Counter<long> StateResets = StreamRecMetrics.Meter.CreateCounter<long>(
        "streamrec_drift_state_resets_total", description: "User states started afresh because the encoder model (or its dimension) changed.");

    public static readonly Counter<long> WritesRefused = StreamRecMetrics.Meter.CreateCounter<long>(
        "streamrec_drift_state_writes_refused_total", description: "State writes Redis refused because a newer state of the same partition was stored.");

    /// <summary>Exports the counters at zero, so that their series exist (and rate() sees the first increment) before anything happens.</summary>
    public static void Start()
    {
        Mutations.Add(0);
        Applied.Add(0);
        Replayed.Add(0);
        StateResets.Add(0);
        WritesRefused.Add(0);
    }

    public static readonly Histogram<double> RedisSeconds = StreamRecMetrics.Meter.CreateHistogram(
        "streamrec_redis_call_seconds", unit: "s",
        description: "Duration of one pipelined Redis call (a batch's loads, writes or catalog reads), by operation.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1] });
}
