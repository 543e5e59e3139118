using System.Diagnostics.Metrics;
using StreamRec.Messaging;

namespace StreamRec.DriftDetector.Stage;

/// <summary>
/// The DriftDetector's instruments. For the stage, every consumed record is exactly one of: applied,
/// already applied (a replay, skipped by offset) or dead-lettered. No label carries a user.
/// </summary>
public sealed class DriftMetrics
{
    public DriftMetrics(StreamRecMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var meter = metrics.Meter;
        Score = meter.CreateHistogram(
            "streamrec_drift_score", unit: null,
            description: "Self-normalised drift z of each applied event (against the user's own history).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [-2, -1, 0, 0.5, 1, 1.5, 2, 3, 4, 6, 10] });
        Mutations = meter.CreateCounter<long>(
            "streamrec_mutations_total", description: "Interest mutations flagged.");
        Applied = meter.CreateCounter<long>(
            "streamrec_drift_events_applied_total", description: "Embedded events applied to a user's drift state.");
        Replayed = meter.CreateCounter<long>(
            "streamrec_drift_events_replayed_total", description: "Embedded events skipped because the user's stored state already holds them: replays after a crash or a rebalance of this stage, and copies an upstream stage's replay made (recognised by their raw-topic origin).");
        StateResets = meter.CreateCounter<long>(
            "streamrec_drift_state_resets_total", description: "User states started afresh because the encoder model (or its dimension) changed.");
        WritesRefused = meter.CreateCounter<long>(
            "streamrec_drift_state_writes_refused_total", description: "State writes Redis refused because a newer state of the same partition was stored.");
        RedisSeconds = meter.CreateHistogram(
            "streamrec_redis_call_seconds", unit: "s",
            description: "Duration of one pipelined Redis call (a batch's loads, writes or catalog reads), by operation.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1] });
    }

    public Histogram<double> Score { get; }

    public Counter<long> Mutations { get; }

    public Counter<long> Applied { get; }

    public Counter<long> Replayed { get; }

    public Counter<long> StateResets { get; }

    public Counter<long> WritesRefused { get; }

    public Histogram<double> RedisSeconds { get; }

    /// <summary>Exports the counters at zero, so that their series exist (and rate() sees the first increment) before anything happens.</summary>
    public void Start()
    {
        Mutations.Add(0);
        Applied.Add(0);
        Replayed.Add(0);
        StateResets.Add(0);
        WritesRefused.Add(0);
    }
}
