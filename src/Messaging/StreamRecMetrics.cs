using System.Diagnostics.Metrics;

namespace StreamRec.Messaging;

/// <summary>
/// The host's <c>StreamRec</c> meter, created by the host's <see cref="IMeterFactory"/> (one per host,
/// registered as a singleton), and the instruments every stage shares. Each host, and each test host,
/// therefore counts on its own: nothing here is process-wide. A stage's own instruments hang off
/// <see cref="Meter"/> in classes of its project. Instrument names are the Prometheus names of DESIGN.md
/// ("_total" counters, base units), so the /metrics rendering needs no renaming. Labels never carry a
/// user id.
/// </summary>
public sealed class StreamRecMetrics
{
    public const string MeterName = "StreamRec";

    public StreamRecMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        Meter = meterFactory.Create(MeterName);
        EventsConsumed = Meter.CreateCounter<long>(
            "streamrec_events_consumed_total", unit: null, description: "Records consumed from a stage's input topic.");
        EventsForwarded = Meter.CreateCounter<long>(
            "streamrec_events_forwarded_total", unit: null, description: "Records a stage wrote to its output topic.");
        EventsDeadLettered = Meter.CreateCounter<long>(
            "streamrec_events_dead_lettered_total", unit: null, description: "Records sent to the dead-letter topic, by reason.");
        StageRestarts = Meter.CreateCounter<long>(
            "streamrec_stage_restarts_total", unit: null, description: "Times a stage was restarted in-process after a transient Redis or Kafka failure.");
    }

    /// <summary>The meter every StreamRec instrument of this host is created on.</summary>
    public Meter Meter { get; }

    /// <summary>
    /// Input records of a stage's completed batches, by stage. The three event counters (this one,
    /// <see cref="EventsForwarded"/> and <see cref="EventsDeadLettered"/>) count together, when a batch
    /// completes (every output acknowledged by the broker, the input offsets stored), never at
    /// processing: a batch in flight, or one dropped before it completes (by an in-process restart, or
    /// with a partition the group took away) counts in none of them, and its replay counts once. So for
    /// Ingest, which turns every record into exactly one output, consumed = forwarded + dead-lettered at
    /// every scrape.
    /// </summary>
    public Counter<long> EventsConsumed { get; }

    /// <summary>Records a stage wrote to its output topic, by stage, counted when their batch completes.</summary>
    public Counter<long> EventsForwarded { get; }

    /// <summary>
    /// Records a stage sent to the dead-letter topic, by stage and reason (a closed set of codes), counted
    /// when their batch completes.
    /// </summary>
    public Counter<long> EventsDeadLettered { get; }

    /// <summary>
    /// Times a stage was started again in-process after a transient failure, by stage and reason
    /// (<c>redis</c>, <c>kafka</c>: a closed set). Each series is created at 0 when its stage starts, so a
    /// query over it has a value before the first failure.
    /// </summary>
    public Counter<long> StageRestarts { get; }
}
