using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;
using StreamRec.Contracts;
using StreamRec.Replay.Terminal;

namespace StreamRec.Replay;

/// <summary>What a replay delivered.</summary>
public sealed record ReplayResult(long Delivered, long Failed, TimeSpan Elapsed, string? FirstError);

/// <summary>
/// Produces raw events to a topic, keyed by user id, at a fixed rate (0 = as fast as the broker takes
/// them), with progress on stderr. Every delivery report is counted: the result says exactly how many
/// records the broker acknowledged. A caller that shows its own progress (the demo) turns the replay's
/// off with <paramref name="showProgress"/> and reads <see cref="Delivered"/> while it runs.
/// </summary>
public sealed class EventReplayer(ProducerConfig config, string topic, double eventsPerSecond, bool showProgress = true)
{
    private long _delivered;
    private long _failed;

    /// <summary>Records the broker has acknowledged so far (live, while <see cref="RunAsync"/> runs).</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    public async Task<ReplayResult> RunAsync(IReadOnlyList<RawEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        string? firstError = null;
        var progress = showProgress ? new ProgressLine($"replay -> {topic}", events.Count) : null;
        using var producer = new ProducerBuilder<string, byte[]>(config).Build();
        var clock = Stopwatch.StartNew();

        void OnDelivery(DeliveryReport<string, byte[]> report)
        {
            if (report.Error.IsError)
            {
                Interlocked.CompareExchange(ref firstError, report.Error.Reason, null);
                Interlocked.Increment(ref _failed);
            }
            else
            {
                Interlocked.Increment(ref _delivered);
            }
        }

        for (var i = 0; i < events.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (eventsPerSecond > 0 && (i & 63) == 0)
            {
                // Pace in small steps: sleep until the schedule of event i is due.
                var due = TimeSpan.FromSeconds(i / eventsPerSecond) - clock.Elapsed;
                if (due > TimeSpan.FromMilliseconds(1))
                {
                    await Task.Delay(due, cancellationToken).ConfigureAwait(false);
                }
            }

            var message = new Message<string, byte[]>
            {
                Key = events[i].UserId,
                Value = JsonSerializer.SerializeToUtf8Bytes(events[i], ContractsJsonContext.Default.RawEvent),
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
                    // Back-pressure from the local queue: serve delivery reports, then retry this record.
                    producer.Poll(TimeSpan.FromMilliseconds(50));
                }
            }

            progress?.Report(Delivered, Interlocked.Read(ref _failed) is var f and > 0 ? $"failed {f:N0}" : null);
        }

        while (producer.Flush(TimeSpan.FromMilliseconds(250)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            progress?.Report(Delivered);
        }

        var failed = Interlocked.Read(ref _failed);
        progress?.Complete(Delivered, failed > 0 ? $"failed {failed:N0}" : null);
        return new ReplayResult(Delivered, failed, clock.Elapsed, firstError);
    }
}
