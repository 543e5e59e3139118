using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;
using StreamRec.Contracts;

namespace StreamRec.Replay;

/// <summary>
/// Publishes catalog items on the catalog topic (JSON, keyed by item id; docs/events.md), and waits
/// until the broker has acknowledged every one: a replay publishes the catalog first, so that the items
/// exist before any event names them.
/// </summary>
public static class CatalogPublisher
{
    /// <summary>Produces <paramref name="items"/> to <paramref name="topic"/>; returns what the broker acknowledged.</summary>
    public static ReplayResult Publish(ProducerConfig config, string topic, IReadOnlyList<CatalogItemRecord> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        var started = Stopwatch.StartNew();
        long delivered = 0;
        long failed = 0;
        string? firstError = null;
        using var producer = new ProducerBuilder<string, byte[]>(config).Build();

        void OnDelivery(DeliveryReport<string, byte[]> report)
        {
            if (report.Error.IsError)
            {
                Interlocked.CompareExchange(ref firstError, report.Error.Reason, null);
                Interlocked.Increment(ref failed);
            }
            else
            {
                Interlocked.Increment(ref delivered);
            }
        }

        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var message = new Message<string, byte[]>
            {
                Key = item.ItemId,
                Value = JsonSerializer.SerializeToUtf8Bytes(item, ContractsJsonContext.Default.CatalogItemRecord),
            };
            while (true)
            {
                try
                {
                    producer.Produce(topic, message, OnDelivery);
                    break;
                }
                catch (ProduceException<string, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(50));
                }
            }
        }

        while (producer.Flush(TimeSpan.FromMilliseconds(250)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        return new ReplayResult(Interlocked.Read(ref delivered), Interlocked.Read(ref failed), started.Elapsed, firstError);
    }
}
