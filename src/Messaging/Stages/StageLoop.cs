using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamRec.Messaging.Health;

namespace StreamRec.Messaging.Stages;

/// <summary>
/// The consume-process-deliver-commit loop every stage runs (Confluent's at-least-once worker pattern):
/// <list type="number">
/// <item>consume a micro-batch (up to <see cref="StageLoopOptions.MaxBatchSize"/> records or
/// <see cref="StageLoopOptions.MaxBatchWait"/> after the first one);</item>
/// <item>let the <see cref="IBatchProcessor"/> turn it into output records;</item>
/// <item>produce them without waiting: the next batch is consumed while the broker acknowledges this
/// one (up to <see cref="StageLoopOptions.MaxInFlightBatches"/> batches in flight);</item>
/// <item>once every output of a batch, and of every batch before it, is acknowledged, store each input
/// partition's next offset; librdkafka commits stored offsets in the background and on close. A failed
/// delivery stops the stage before that batch's offsets are stored.</item>
/// </list>
/// <para>
/// The batch is counted (<c>streamrec_events_consumed_total</c>, <c>_forwarded_total</c>,
/// <c>_dead_lettered_total</c>) only then, all three together: a batch dropped before it completes (a
/// failure, lost or revoked partitions) counts nowhere, and its replay counts once.
/// </para>
/// <para>
/// A rebalance happens only inside Consume. The revoked handler waits for the outputs in flight, stores
/// and commits their offsets, and drops the revoked partitions' records from the batch being filled (the
/// next owner reads them again from the committed offset; under cooperative assignment the records of the
/// partitions kept stay in the batch); the lost handler stores nothing. A crash at any point therefore replays, never
/// skips: downstream stages are idempotent by offset and event id.
/// </para>
/// <para>
/// A processor that keeps state outside Kafka (<see cref="IStatefulBatchProcessor"/>) writes it after
/// the batch's outputs are acknowledged and before its offsets are stored, and hears about revoked and
/// lost partitions so that it can drop what it caches for them.
/// </para>
/// </summary>
public sealed partial class StageLoop(
    KafkaOptions kafka, StageLoopOptions options, IBatchProcessor processor, StreamRecMetrics metrics, ConsumerStatusRegistry consumers, ILogger logger)
{
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(100);

    private readonly List<ConsumeResult<byte[]?, byte[]?>> _pending = new(options.MaxBatchSize);
    private readonly Queue<InFlightBatch> _inFlight = new();
    private readonly IStatefulBatchProcessor? _stateful = processor as IStatefulBatchProcessor;
    private readonly KeyValuePair<string, object?> _stageTag = new("stage", processor.StageName);
    private IProducer<byte[]?, byte[]?>? _producer;
    private Error? _fatal;
    private bool _failed;
    private bool _closing;

    private static readonly Lock PoolGate = new();
    private static int _blockingLoops;

    /// <summary>Runs until cancelled (then finishes the batch in hand and closes) or until a fatal error (thrown).</summary>
    public Task RunAsync(CancellationToken stoppingToken)
    {
        ReservePoolThread();
        // Consume blocks its thread; keep it off the caller's.
        return Task.Run(() => LoopAsync(stoppingToken), CancellationToken.None);
    }

    /// <summary>
    /// Consume blocks the pool thread the loop runs on, so every loop takes one of the pool's threads for
    /// good. With the default minimum (one per core) a process with a few loops left Redis continuations
    /// queued until the runtime added a thread, about every 500 ms: that was the end-to-end latency tail
    /// (docs/benchmarks.md, "The latency tail: thread-pool starvation"). Each loop therefore raises the pool's minimum so that the
    /// loops plus twice the cores (at least 8) stay free for the work. Never lowered: a loop restarted
    /// after a failure reuses the reserve.
    /// </summary>
    private static void ReservePoolThread()
    {
        lock (PoolGate)
        {
            _blockingLoops++;
            ThreadPool.GetMinThreads(out var workers, out var completionPorts);
            var wanted = _blockingLoops + Math.Max(8, 2 * Environment.ProcessorCount);
            if (workers < wanted)
            {
                ThreadPool.SetMinThreads(wanted, completionPorts);
            }
        }
    }

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        var status = consumers.Register(processor.StageName, options.InputTopic, options.GroupId, TimeProvider.System);
        if (!processor.CountsOwnEvents)
        {
            // Exported at zero from the start: a dashboard shows 0 rather than no data, and rate() sees the first batch.
            metrics.EventsConsumed.Add(0, _stageTag);
            metrics.EventsForwarded.Add(0, _stageTag);
            foreach (var reason in processor.DeadLetterReasons)
            {
                metrics.EventsDeadLettered.Add(0, _stageTag, new KeyValuePair<string, object?>("reason", reason));
            }
        }

        try
        {
            await ConsumeAsync(status, stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            consumers.Remove(status);
        }
    }

    private async Task ConsumeAsync(ConsumerStatus status, CancellationToken stoppingToken)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(KafkaClientConfigs.Consumer(kafka, options.GroupId))
            .SetErrorHandler((_, error) =>
            {
                status.OnError(error);
                OnError("consumer", error);
            })
            .SetStatisticsHandler((_, json) => status.OnStatistics(json))
            .SetPartitionsAssignedHandler((_, partitions) =>
            {
                status.Assigned(partitions.Select(p => p.Partition.Value));
                LogAssigned(logger, processor.StageName, partitions.Count);
            })
            .SetPartitionsRevokedHandler((c, partitions) =>
            {
                var revoked = partitions.Select(p => p.TopicPartition).ToHashSet();
                status.Revoked(revoked.Select(p => p.Partition.Value));
                // Only the revoked partitions' records in hand go back to the group: under cooperative
                // assignment the others stay with this member, and dropping them would skip them when
                // a later batch stores offsets past them.
                var dropped = _pending.RemoveAll(r => revoked.Contains(r.TopicPartition));
                LogRevoked(logger, processor.StageName, partitions.Count, dropped);
                if (_failed)
                {
                    // Closing after a failure: nothing more is completed or stored; the next owner replays it.
                    _inFlight.Clear();
                    _stateful?.PartitionsLost(revoked);
                    return;
                }

                // What was processed belongs to us until its offsets are committed: finish it first (the
                // batches in flight of the partitions kept are finished too; that only stores them early).
                // librdkafka's rebalance callback is synchronous, and the partitions must not move
                // before the state and offsets are written, so this is the one place that blocks on it.
                DrainInFlightAsync(c, store: true).GetAwaiter().GetResult();
                if (!_closing)
                {
                    // Not while closing: a commit from the rebalance callback that Close raises can block
                    // forever in librdkafka (seen here as a hung test; librdkafka #4041 is the same kind
                    // of call). Close commits the stored offsets itself, when it unassigns.
                    c.TryCommit();
                }

                _stateful?.PartitionsRevoked(revoked);
            })
            .SetPartitionsLostHandler((c, partitions) =>
            {
                // librdkafka declares the whole assignment lost at once (a missed session or poll
                // deadline), under either protocol: everything in hand and in flight goes.
                status.Unassigned();
                LogLost(logger, processor.StageName, partitions.Count, _pending.Count);
                _pending.Clear();
                // The partitions already belong to another member: their offsets are not ours to store,
                // and a stateful stage's unwritten state is not ours to write.
                DrainInFlightAsync(c, store: false).GetAwaiter().GetResult();
                _stateful?.PartitionsLost([.. partitions.Select(p => p.TopicPartition)]);
            })
            .Build();
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(KafkaClientConfigs.Producer(kafka))
            .SetErrorHandler((_, error) => OnError("producer", error))
            .Build();
        _producer = producer;
        consumer.Subscribe(options.InputTopic);
        LogStarted(logger, processor.StageName, options.InputTopic, options.GroupId);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                Fill(consumer);
                await StoreCompletedAsync(consumer).ConfigureAwait(false); // also when idle: the last batches' acknowledgements arrive late
                if (_pending.Count == 0)
                {
                    continue;
                }

                // The batch in hand is finished even when stopping: its output is delivered and its
                // offsets stored, so a graceful stop replays nothing.
                var outputs = await processor.ProcessAsync(_pending, CancellationToken.None).ConfigureAwait(false);
                Send(producer, outputs);
                _pending.Clear();
                await StoreCompletedAsync(consumer).ConfigureAwait(false);
                while (_inFlight.Count > options.MaxInFlightBatches)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(5)); // back-pressure: let acknowledgements catch up
                    await StoreCompletedAsync(consumer).ConfigureAwait(false);
                }
            }

            await DrainInFlightAsync(consumer, store: true).ConfigureAwait(false);
        }
        catch
        {
            _failed = true; // the close below must not complete or store anything more
            throw;
        }
        finally
        {
            // Commits the stored offsets and leaves the group at once, so partitions move without waiting
            // for the session timeout.
            _closing = true;
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

            ConsumeResult<byte[]?, byte[]?>? result;
            try
            {
                result = consumer.Consume(wait);
            }
            catch (ConsumeException e) when (!e.Error.IsFatal && KafkaFailures.IsTransient(e.Error.Code))
            {
                // A fetch that failed (a request timeout, a leader on the move): librdkafka reports it and
                // fetches again by itself from the same position, so nothing is skipped. Starting the
                // stage again would only cost the group a rebalance.
                OnError("consumer", e.Error);
                continue;
            }

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

    private void Send(IProducer<byte[]?, byte[]?> producer, IReadOnlyList<OutgoingRecord> outputs)
    {
        var batch = new InFlightBatch(NextOffsets(), _pending.Count, outputs.Count);
        _inFlight.Enqueue(batch);
        foreach (var output in outputs)
        {
            batch.Count(output);
            while (true)
            {
                try
                {
                    producer.Produce(output.Topic, output.Message, batch.OnDelivery);
                    break;
                }
                catch (ProduceException<byte[]?, byte[]?> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(20)); // back-pressure: serve delivery reports, retry
                }
            }
        }
    }

    /// <summary>The offsets to store once the pending batch's outputs are acknowledged: each partition's last offset + 1.</summary>
    private Dictionary<TopicPartition, long> NextOffsets()
    {
        var next = new Dictionary<TopicPartition, long>();
        foreach (var record in _pending)
        {
            next[record.TopicPartition] = Math.Max(next.GetValueOrDefault(record.TopicPartition), record.Offset.Value + 1);
        }

        return next;
    }

    /// <summary>
    /// Completes the acknowledged batches at the head of the queue, in order: a stateful processor writes
    /// its state, then the batch's offsets are stored.
    /// </summary>
    private async Task StoreCompletedAsync(IConsumer<byte[]?, byte[]?> consumer)
    {
        ThrowIfFatal();
        while (_inFlight.TryPeek(out var head) && head.Outstanding == 0)
        {
            if (head.Failure is { } failure)
            {
                throw new KafkaException(new Error(failure.Code,
                    $"Stage '{processor.StageName}': {head.Failures} output record(s) were not delivered ({failure.Reason}); input offsets not stored."));
            }

            if (_stateful is not null)
            {
                await _stateful.CompleteBatchAsync().ConfigureAwait(false);
            }

            foreach (var (partition, offset) in head.Offsets)
            {
                consumer.StoreOffset(new TopicPartitionOffset(partition, offset));
            }

            if (!processor.CountsOwnEvents)
            {
                CountCompleted(head);
            }

            _inFlight.Dequeue();
        }

        // An acknowledgement that never comes (a produce request lost across a broker outage) would hold
        // every later batch back for good: the back-pressure wait above never ends. Past the delivery
        // timeout the stage fails instead, and its restart replays what was not acknowledged.
        if (_inFlight.TryPeek(out var oldest) && Stopwatch.GetElapsedTime(oldest.SentAt) > options.DeliveryTimeout)
        {
            throw new KafkaException(new Error(ErrorCode.Local_TimedOut,
                $"Stage '{processor.StageName}': output not acknowledged within {options.DeliveryTimeout} ({oldest.Outstanding} record(s) outstanding); input offsets not stored."));
        }
    }

    /// <summary>Counts a completed batch: its input records, and its outputs as forwarded or dead-lettered.</summary>
    private void CountCompleted(InFlightBatch batch)
    {
        metrics.EventsConsumed.Add(batch.Records, _stageTag);
        metrics.EventsForwarded.Add(batch.Forwarded, _stageTag);
        if (batch.DeadLettered is { } deadLettered)
        {
            foreach (var (reason, count) in deadLettered)
            {
                metrics.EventsDeadLettered.Add(count, _stageTag, new KeyValuePair<string, object?>("reason", reason));
            }
        }
    }

    /// <summary>Waits until every output in flight is acknowledged; then stores their offsets, or forgets them.</summary>
    private async Task DrainInFlightAsync(IConsumer<byte[]?, byte[]?> consumer, bool store)
    {
        if (_producer is null || _inFlight.Count == 0)
        {
            return;
        }

        var deadline = DateTime.UtcNow + options.DeliveryTimeout;
        while (_producer.Flush(TimeSpan.FromMilliseconds(200)) > 0)
        {
            ThrowIfFatal();
            if (DateTime.UtcNow > deadline)
            {
                throw new KafkaException(new Error(ErrorCode.Local_TimedOut,
                    $"Stage '{processor.StageName}': output not acknowledged within {options.DeliveryTimeout}; input offsets not stored."));
            }
        }

        if (store)
        {
            await StoreCompletedAsync(consumer).ConfigureAwait(false);
        }

        _inFlight.Clear();
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

    /// <summary>A processed batch whose outputs are on their way to the broker.</summary>
    private sealed class InFlightBatch(Dictionary<TopicPartition, long> offsets, int records, int outputs)
    {
        private int _outstanding = outputs;
        private int _failures;

        public Dictionary<TopicPartition, long> Offsets { get; } = offsets;

        /// <summary>When the batch was handed to the producer (<see cref="Stopwatch"/> ticks).</summary>
        public long SentAt { get; } = Stopwatch.GetTimestamp();

        /// <summary>Input records of the batch.</summary>
        public int Records { get; } = records;

        /// <summary>Outputs to the next topic.</summary>
        public int Forwarded { get; private set; }

        /// <summary>Outputs to the dead-letter topic by reason; null when there are none (the usual case).</summary>
        public Dictionary<string, int>? DeadLettered { get; private set; }

        /// <summary>Called on the loop's thread while the batch is sent, before any of its outputs can complete.</summary>
        public void Count(OutgoingRecord output)
        {
            if (output.DeadLetterReason is { } reason)
            {
                DeadLettered ??= new Dictionary<string, int>(StringComparer.Ordinal);
                DeadLettered[reason] = DeadLettered.GetValueOrDefault(reason) + 1;
            }
            else
            {
                Forwarded++;
            }
        }

        public int Outstanding => Volatile.Read(ref _outstanding);

        public int Failures => Volatile.Read(ref _failures);

        public Error? Failure { get; private set; }

        /// <summary>Called on the producer's delivery-report thread.</summary>
        public void OnDelivery(DeliveryReport<byte[]?, byte[]?> report)
        {
            if (report.Error.IsError)
            {
                Failure ??= report.Error;
                Interlocked.Increment(ref _failures);
            }

            Interlocked.Decrement(ref _outstanding);
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
