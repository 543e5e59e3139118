using System.Diagnostics.Metrics;

namespace StreamRec.Messaging.Health;

/// <summary>
/// The stage consumers running in this process, for readiness (<c>/readyz</c>) and for the
/// <c>streamrec_consumer_lag</c> gauge. Process-wide like the meter itself: a stage loop registers its
/// consumer when it starts and removes it when it closes.
/// </summary>
public static class ConsumerStatusRegistry
{
    private static readonly Lock Gate = new();
    private static readonly List<ConsumerStatus> Consumers = [];

    /// <summary>Records behind the high watermark per stage, topic and assigned partition, from librdkafka's statistics.</summary>
    public static readonly ObservableGauge<long> ConsumerLag = StreamRecMetrics.Meter.CreateObservableGauge(
        "streamrec_consumer_lag", ObserveLag, unit: null,
        description: "Records a stage's consumer is behind the end of each assigned input partition (librdkafka statistics).");

    public static IReadOnlyList<ConsumerStatus> Current
    {
        get
        {
            lock (Gate)
            {
                return [.. Consumers];
            }
        }
    }

    internal static ConsumerStatus Register(string stage, string topic, string groupId, TimeProvider clock)
    {
        var status = new ConsumerStatus(stage, topic, groupId, clock);
        lock (Gate)
        {
            Consumers.Add(status);
        }

        return status;
    }

    internal static void Remove(ConsumerStatus status)
    {
        lock (Gate)
        {
            Consumers.Remove(status);
        }
    }

    private static IEnumerable<Measurement<long>> ObserveLag()
    {
        foreach (var consumer in Current)
        {
            foreach (var (partition, lag) in consumer.Lag)
            {
                yield return new Measurement<long>(lag,
                    new KeyValuePair<string, object?>("stage", consumer.Stage),
                    new KeyValuePair<string, object?>("topic", consumer.Topic),
                    new KeyValuePair<string, object?>("partition", partition.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
        }
    }
}
