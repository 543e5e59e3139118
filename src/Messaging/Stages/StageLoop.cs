using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace StreamRec.Messaging.Stages;

/// <summary>
/// The consume-process-deliver-commit loop every stage runs (Confluent's at-least-once worker pattern):
/// <list type="number">
/// <item>consume a micro-batch (up to <see cref="StageLoopOptions.MaxBatchSize"/> records or
/// <see cref="StageLoopOptions.MaxBatchWait"/> after the first one);</item>
/// <item>let the <see cref="IBatchProcessor"/> turn it into output records;</item>
/// <item>produce them and wait until the broker acknowledged every one (a failed delivery stops the stage);</item>
/// <item>store each input partition's next offset; librdkafka commits stored offsets in the background
/// and on close.</item>
/// </list>
/// A rebalance happens only inside Consume, i.e. between batches or while one is being filled; the
/// revoked/lost handlers drop the unprocessed part (the next owner reads it again from the committed
/// offset) and commit what was already stored. A crash at any point therefore replays, never skips:
/// downstream stages are idempotent by offset and event id.
/// </summary>
public sealed partial class StageLoop(KafkaOptions kafka, StageLoopOptions options, IBatchProcessor processor, ILogger logger)
{
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(100);

    private readonly List<ConsumeResult<byte[]?, byte[]?>> _pending = new(options.MaxBatchSize);
    private Error? _fatal;

    /// <summary>Runs until cancelled (then finishes the batch in hand and closes) or until a fatal error (thrown).</summary>
    public Task RunAsync(CancellationToken stoppingToken) =>
        // Consume blocks its thread; keep it off the caller's.
        Task.Run(() => LoopAsync(stoppingToken), CancellationToken.None);

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(KafkaClientConfigs.Consumer(kafka, options.GroupId))
            .SetErrorHandler((_, error) => OnError("consumer", error))
            .SetPartitionsAssignedHandler((_, partitions) => LogAssigned(logger, processor.StageName, partitions.Count))
            .SetPartitionsRevokedHandler((c, partitions) =>
            {
                LogRevoked(logger, processor.StageName, partitions.Count, _pending.Count);
                _pending.Clear();
                c.TryCommit();
            })
            .SetPartitionsLostHandler((_, partitions) =>
            {
                LogLost(logger, processor.StageName, partitions.Count, _pending.Count);
                _pending.Clear();
            })
            .Build();
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(KafkaClientConfigs.Producer(kafka))
            .SetErrorHandler((_, error) => OnError("producer", error))
            .Build();
        consumer.Subscribe(options.InputTopic);
        LogStarted(logger, processor.StageName, options.InputTopic, options.GroupId);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                Fill(consumer);
                ThrowIfFatal();
                if (_pending.Count == 0)
                {
                    continue;
                }

                // The batch in hand is finished even when stopping: its output is delivered and its
                // offsets stored, so a graceful stop replays nothing.
                var outputs = await processor.ProcessAsync(_pending, CancellationToken.None).ConfigureAwait(false);
                Deliver(producer, outputs);
                StoreOffsets(consumer);
                StreamRecMetrics.EventsConsumed.Add(_pending.Count, new KeyValuePair<string, object?>("stage", processor.StageName));
                _pending.Clear();
            }
        }
        finally
        {
            // Commits the stored offsets and leaves the group at once, so partitions move without waiting
            // for the session timeout.
            consumer.Close();
            LogStopped(logger, processor.StageName);
        }
    }

    private void Fill(IConsumer<byte[]?, byte[]?> consumer)
    {
        DateTime? deadline = null;
        while (_pending.Count < options.MaxBatchSize)
        {
            var wait = deadline is { } d ? d - DateTime.UtcNow : IdlePoll;
            if (wait <= TimeSpan.Zero)
            {
                return;
            }

            var result = consumer.Consume(wait);
            if (result is null)
            {
                if (_pending.Count == 0)
                {
                    return; // idle: let the caller see a stop request
                }

                continue;
            }

            if (result.IsPartitionEOF)
            {
                continue;
            }

            _pending.Add(result);
            deadline ??= DateTime.UtcNow + options.MaxBatchWait;
        }
    }

    private void Deliver(IProducer<byte[]?, byte[]?> producer, IReadOnlyList<OutgoingRecord> outputs)
    {
        Error? failure = null;
        var failures = 0;
        foreach (var output in outputs)
        {
            while (true)
            {
                try
                {
                    producer.Produce(output.Topic, output.Message, report =>
                    {
                        if (report.Error.IsError)
                        {
                            failure ??= report.Error;
                            Interlocked.Increment(ref failures);
                        }
                    });
                    break;
                }
                catch (ProduceException<byte[]?, byte[]?> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(20)); // back-pressure: serve delivery reports, retry
                }
            }
        }

        var deadline = DateTime.UtcNow + options.DeliveryTimeout;
        while (producer.Flush(TimeSpan.FromMilliseconds(200)) > 0)
        {
            ThrowIfFatal();
            if (DateTime.UtcNow > deadline)
            {
                throw new KafkaException(new Error(ErrorCode.Local_TimedOut,
                    $"Stage '{processor.StageName}': output not acknowledged within {options.DeliveryTimeout}; input offsets not stored."));
            }
        }

        if (failures > 0)
        {
            throw new KafkaException(new Error(failure!.Code,
                $"Stage '{processor.StageName}': {failures} output record(s) were not delivered ({failure.Reason}); input offsets not stored."));
        }
    }

    private void StoreOffsets(IConsumer<byte[]?, byte[]?> consumer)
    {
        var next = new Dictionary<TopicPartition, long>();
        foreach (var record in _pending)
        {
            next[record.TopicPartition] = Math.Max(next.GetValueOrDefault(record.TopicPartition), record.Offset.Value + 1);
        }

        foreach (var (partition, offset) in next)
        {
            consumer.StoreOffset(new TopicPartitionOffset(partition, offset));
        }
    }

    private void OnError(string client, Error error)
    {
        if (error.IsFatal)
        {
            _fatal ??= error;
            LogFatal(logger, processor.StageName, client, error.Code, error.Reason);
        }
        else
        {
            LogClientError(logger, processor.StageName, client, error.Code, error.Reason);
        }
    }

    private void ThrowIfFatal()
    {
        if (_fatal is { } fatal)
        {
            throw new KafkaException(fatal);
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Stage {Stage} consuming {Topic} as group {Group}")]
    private static partial void LogStarted(ILogger logger, string stage, string topic, string group);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Stage {Stage} stopped")]
    private static partial void LogStopped(ILogger logger, string stage);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Stage {Stage}: {Count} partition(s) assigned")]
    private static partial void LogAssigned(ILogger logger, string stage, int count);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Stage {Stage}: {Count} partition(s) revoked; {Pending} unprocessed record(s) left for the next owner")]
    private static partial void LogRevoked(ILogger logger, string stage, int count, int pending);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "Stage {Stage}: {Count} partition(s) lost; {Pending} unprocessed record(s) left for the next owner")]
    private static partial void LogLost(ILogger logger, string stage, int count, int pending);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "Stage {Stage}: Kafka {Client} error {Code}: {Reason}")]
    private static partial void LogClientError(ILogger logger, string stage, string client, ErrorCode code, string reason);

    [LoggerMessage(EventId = 106, Level = LogLevel.Critical, Message = "Stage {Stage}: fatal Kafka {Client} error {Code}: {Reason}")]
    private static partial void LogFatal(ILogger logger, string stage, string client, ErrorCode code, string reason);
}
