using System.Diagnostics.Metrics;

namespace StreamRec.Messaging.Health;

/// <summary>
/// The stage consumers running in this host, for readiness (<c>/readyz</c>) and for the
/// <c>streamrec_consumer_lag</c> gauge. One per host (a singleton, like the host's meter): a stage loop
/// registers its consumer when it starts and removes it when it closes.
/// </summary>
public sealed class ConsumerStatusRegistry
{
    private readonly Lock _gate = new();
    private readonly List<ConsumerStatus> _consumers = [];

    public ConsumerStatusRegistry(StreamRecMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        // Records behind the high watermark per stage, topic and assigned partition, from librdkafka's statistics.
        metrics.Meter.CreateObservableGauge(
            "streamrec_consumer_lag", ObserveLag, unit: null,
            description: "Records a stage's consumer is behind the end of each assigned input partition (librdkafka statistics).");
    }

    public IReadOnlyList<ConsumerStatus> Current
    {
        get
        {
            lock (_gate)
            {
                return [.. _consumers];
            }
        }
    }

    internal ConsumerStatus Register(string stage, string topic, string groupId, TimeProvider clock)
    {
        var status = new ConsumerStatus(stage, topic, groupId, clock);
        lock (_gate)
        {
            _consumers.Add(status);
        }

        return status;
    }

    internal void Remove(ConsumerStatus status)
    {
        lock (_gate)
        {
            _consumers.Remove(status);
        }
    }

    private IEnumerable<Measurement<long>> ObserveLag()
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
