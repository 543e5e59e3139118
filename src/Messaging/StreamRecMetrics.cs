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

    /// <summary>Records read from a stage's input topic, labelled by stage.</summary>
    public static readonly Counter<long> EventsConsumed = Meter.CreateCounter<long>(
        "streamrec_events_consumed_total", unit: null, description: "Records consumed from a stage's input topic.");
}
