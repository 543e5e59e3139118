using System.Diagnostics.Metrics;

namespace StreamRec.Messaging;

/// <summary>
/// The process-wide meter. Instrument names are the Prometheus names of DESIGN.md ("_total" counters,
/// base units), so the /metrics rendering needs no renaming. Labels never carry a user id.
/// </summary>
public static class StreamRecMetrics
{
    public const string MeterName = "StreamRec";

    public static readonly Meter Meter = new(MeterName);

    /// <summary>
    /// Records a stage consumed and fully handled (outputs acknowledged, offset stored), by stage. For
    /// Ingest: consumed = forwarded + dead-lettered, except that forwarded and dead-lettered count
    /// processing: a batch processed but never completed (dropped by an in-process restart, or with a
    /// partition the group took away while its output was in flight) is counted there, and again when
    /// it is replayed, but not here.
    /// </summary>
    public static readonly Counter<long> EventsConsumed = Meter.CreateCounter<long>(
        "streamrec_events_consumed_total", unit: null, description: "Records consumed from a stage's input topic.");

    /// <summary>Records a stage wrote to its output topic, by stage.</summary>
    public static readonly Counter<long> EventsForwarded = Meter.CreateCounter<long>(
        "streamrec_events_forwarded_total", unit: null, description: "Records a stage wrote to its output topic.");

    /// <summary>Records a stage sent to the dead-letter topic, by stage and reason (a closed set of codes).</summary>
    public static readonly Counter<long> EventsDeadLettered = Meter.CreateCounter<long>(
        "streamrec_events_dead_lettered_total", unit: null, description: "Records sent to the dead-letter topic, by reason.");

    /// <summary>
    /// Times a stage was started again in-process after a transient failure, by stage and reason
    /// (<c>redis</c>, <c>kafka</c>: a closed set). Each series is created at 0 when its stage starts, so a
    /// query over it has a value before the first failure.
    /// </summary>
    public static readonly Counter<long> StageRestarts = Meter.CreateCounter<long>(
        "streamrec_stage_restarts_total", unit: null, description: "Times a stage was restarted in-process after a transient Redis or Kafka failure.");
}
