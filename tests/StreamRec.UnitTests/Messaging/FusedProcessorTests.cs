using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using Confluent.Kafka;
using StreamRec.Messaging;
using StreamRec.Messaging.Stages;
using StreamRec.TestSupport;

namespace StreamRec.UnitTests.Messaging;

/// <summary>
/// The fused chain's bookkeeping with stages of the test's own: what is handed on, at which position, what
/// is written, when stateful stages complete and when each stage is counted. The real stages in a fused
/// process against a broker and Redis are covered by the integration tests (FusedTopologyTests).
/// </summary>
public sealed class FusedProcessorTests : IDisposable
{
    private readonly TopicNames _topics = new();
    private readonly TestTelemetry _telemetry = new();
    private readonly ConcurrentDictionary<string, long> _counted = new();
    private readonly MeterListener _listener = new();

    public FusedProcessorTests()
    {
        // Resolved before the listener starts: creating the meter from inside its callback would deadlock.
        var meter = _telemetry.Metrics.Meter;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter == meter)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var key = instrument.Name + "{" + string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}")) + "}";
            _counted.AddOrUpdate(key, value, (_, v) => v + value);
        });
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _telemetry.Dispose();
    }

    private long Counted(string name, string stage) => _counted.GetValueOrDefault($"{name}{{stage={stage}}}");

    private static ConsumeResult<byte[]?, byte[]?> Raw(int partition, long offset, string value) => new()
    {
        TopicPartitionOffset = new TopicPartitionOffset("streamrec.events.raw", partition, offset),
        Message = new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes(value) },
    };

    private static string Text(ConsumeResult<byte[]?, byte[]?> record) => Encoding.UTF8.GetString(record.Message.Value!);

    [Fact]
    public async Task Each_stage_gets_the_previous_stages_records_at_their_raw_positions_and_only_what_others_read_is_written()
    {
        // ingest: one output per input (a "bad" one dead-lettered); embed: one per input; drift: a mutation for every "m" event.
        var ingest = new MapStage("ingest", _topics.Clean, _topics.DeadLetter, oneForOne: true);
        var embed = new MapStage("embed", _topics.Embedded, _topics.DeadLetter, oneForOne: true);
        var drift = new MutatingStage("drift", _topics.Mutations);
        var recommend = new MapStage("recommend", _topics.Recommendations, _topics.DeadLetter, oneForOne: false);
        var fused = new FusedProcessor(
            [new(ingest, _topics.Raw), new(embed, _topics.Clean), new(drift, _topics.Embedded), new(recommend, _topics.Mutations)], _topics, _telemetry.Metrics);

        var outputs = await fused.ProcessAsync([Raw(3, 10, "a"), Raw(3, 11, "bad"), Raw(5, 7, "m")], CancellationToken.None);

        Assert.Equal(["a", "m"], embed.Seen.Select(Text));
        Assert.Equal([(3, 10L), (5, 7L)], embed.Seen.Select(r => (r.Partition.Value, r.Offset.Value)));
        Assert.Equal([(3, 10L), (5, 7L)], drift.Seen.Select(r => (r.Partition.Value, r.Offset.Value)));
        Assert.All(drift.Seen, r => Assert.Equal(_topics.Raw, r.Topic));
        Assert.Equal(["m"], recommend.Seen.Select(Text));
        Assert.Equal(Partition.Any, recommend.Seen[0].Partition); // a mutation answers no single input record
        // Written: the dead letter, the mutation and the recommendation; not the clean or embedded records.
        Assert.Equal([_topics.DeadLetter, _topics.Mutations, _topics.Recommendations], outputs.Select(o => o.Topic).Order());
        Assert.Equal([_topics.Clean, _topics.Embedded], fused.UnwrittenTopics.Order());
    }

    [Fact]
    public async Task Intermediate_topics_are_written_when_asked_and_the_embedded_topic_alone_for_a_billboard_elsewhere()
    {
        FusedProcessor Chain(bool intermediate, bool embedded) => new(
            [new(new MapStage("ingest", _topics.Clean, _topics.DeadLetter, true), _topics.Raw),
             new(new MapStage("embed", _topics.Embedded, _topics.DeadLetter, true), _topics.Clean),
             new(new MutatingStage("drift", _topics.Mutations), _topics.Embedded)],
            _topics, _telemetry.Metrics, intermediate, embedded);

        var all = await Chain(true, false).ProcessAsync([Raw(0, 1, "x")], CancellationToken.None);
        var embeddedOnly = await Chain(false, true).ProcessAsync([Raw(0, 1, "x")], CancellationToken.None);
        var none = await Chain(false, false).ProcessAsync([Raw(0, 1, "x")], CancellationToken.None);

        Assert.Equal([_topics.Clean, _topics.Embedded], all.Select(o => o.Topic).Order());
        Assert.Equal([_topics.Embedded], embeddedOnly.Select(o => o.Topic));
        Assert.Empty(none);
    }

    [Fact]
    public async Task A_later_stage_reading_the_consumed_topic_gets_the_batch_itself()
    {
        // A chain that starts at the DriftDetector: the billboard beside it reads the same embedded records.
        var drift = new MutatingStage("drift", _topics.Mutations);
        var billboard = new MutatingStage("billboard", _topics.Billboard);
        var fused = new FusedProcessor([new(drift, _topics.Embedded), new(billboard, _topics.Embedded)], _topics, _telemetry.Metrics);
        ConsumeResult<byte[]?, byte[]?> record = new()
        {
            TopicPartitionOffset = new TopicPartitionOffset(_topics.Embedded, 1, 4),
            Message = new Message<byte[]?, byte[]?> { Value = "e"u8.ToArray() },
        };

        await fused.ProcessAsync([record], CancellationToken.None);

        Assert.Same(record, Assert.Single(billboard.Seen));
    }

    [Fact]
    public async Task Stateful_stages_complete_in_batch_order_only_for_batches_they_saw_and_stages_are_counted_only_then()
    {
        var ingest = new MapStage("ingest", _topics.Clean, _topics.DeadLetter, oneForOne: true);
        var drift = new MutatingStage("drift", _topics.Mutations);
        var fused = new FusedProcessor([new(ingest, _topics.Raw), new(drift, _topics.Clean)], _topics, _telemetry.Metrics);

        await fused.ProcessAsync([Raw(0, 1, "a"), Raw(0, 2, "m")], CancellationToken.None);
        await fused.ProcessAsync([Raw(0, 3, "bad")], CancellationToken.None); // nothing reaches drift
        await fused.ProcessAsync([Raw(0, 4, "b")], CancellationToken.None);

        Assert.Equal(0, Counted("streamrec_events_consumed_total", "ingest"));
        Assert.Equal(3, fused.PendingBatches);

        await fused.CompleteBatchAsync();
        Assert.Equal([1], drift.Completed);
        Assert.Equal(2, Counted("streamrec_events_consumed_total", "ingest"));
        Assert.Equal(2, Counted("streamrec_events_forwarded_total", "ingest"));
        Assert.Equal(2, Counted("streamrec_events_consumed_total", "drift"));
        Assert.Equal(1, Counted("streamrec_events_forwarded_total", "drift"));

        await fused.CompleteBatchAsync(); // the batch drift never saw: drift is not completed for it
        Assert.Equal([1], drift.Completed);
        Assert.Equal(1, _counted.GetValueOrDefault("streamrec_events_dead_lettered_total{stage=ingest,reason=bad_value}"));

        await fused.CompleteBatchAsync();
        Assert.Equal([1, 2], drift.Completed);
        Assert.Equal(4, Counted("streamrec_events_consumed_total", "ingest"));
        Assert.Equal(3, Counted("streamrec_events_consumed_total", "drift"));
        await Assert.ThrowsAsync<InvalidOperationException>(fused.CompleteBatchAsync);
    }

    [Fact]
    public async Task Lost_partitions_abandon_every_pending_batch_uncounted_and_reach_every_stateful_stage()
    {
        var drift = new MutatingStage("drift", _topics.Mutations);
        var fused = new FusedProcessor([new(new MapStage("ingest", _topics.Clean, _topics.DeadLetter, true), _topics.Raw), new(drift, _topics.Clean)],
            _topics, _telemetry.Metrics);
        await fused.ProcessAsync([Raw(0, 1, "a")], CancellationToken.None);

        fused.PartitionsLost([new TopicPartition(_topics.Raw, 0)]);
        fused.PartitionsRevoked([new TopicPartition(_topics.Raw, 1)]);

        Assert.Equal(0, fused.PendingBatches);
        Assert.Equal(0, Counted("streamrec_events_consumed_total", "ingest"));
        Assert.Equal(["lost", "revoked"], drift.Partitions);
        Assert.Empty(drift.Completed);
    }

    [Fact]
    public void The_chain_counts_its_stages_itself_under_their_own_names_from_zero()
    {
        var fused = new FusedProcessor([new(new MapStage("ingest", _topics.Clean, _topics.DeadLetter, true), _topics.Raw)], _topics, _telemetry.Metrics);

        Assert.True(((IBatchProcessor)fused).CountsOwnEvents);
        Assert.Equal(FusedProcessor.Stage, fused.StageName);
        Assert.True(_counted.ContainsKey("streamrec_events_consumed_total{stage=ingest}"));
        Assert.True(_counted.ContainsKey("streamrec_events_dead_lettered_total{stage=ingest,reason=bad_value}"));
        Assert.DoesNotContain(_counted.Keys, k => k.Contains("stage=fused", StringComparison.Ordinal));
    }

    /// <summary>One output per input to <c>output</c>, or to the dead-letter topic for a record whose value is "bad".</summary>
    private sealed class MapStage(string name, string output, string deadLetter, bool oneForOne) : IBatchProcessor
    {
        public List<ConsumeResult<byte[]?, byte[]?>> Seen { get; } = [];

        public string StageName => name;

        public IReadOnlyCollection<string> DeadLetterReasons => ["bad_value"];

        public bool OutputsMatchInputs => oneForOne;

        public ValueTask<IReadOnlyList<OutgoingRecord>> ProcessAsync(IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> batch, CancellationToken cancellationToken)
        {
            Seen.AddRange(batch);
            return ValueTask.FromResult<IReadOnlyList<OutgoingRecord>>([.. batch.Select(r => Text(r) == "bad"
                ? new OutgoingRecord(deadLetter, r.Message, "bad_value")
                : new OutgoingRecord(output, new Message<byte[]?, byte[]?> { Value = r.Message.Value }))]);
        }
    }

    /// <summary>A stateful stage writing one record for every input whose value is "m"; notes its completions by batch number.</summary>
    private sealed class MutatingStage(string name, string output) : IStatefulBatchProcessor
    {
        private readonly Queue<int> _batches = new();
        private int _batch;

        public List<ConsumeResult<byte[]?, byte[]?>> Seen { get; } = [];

        public List<int> Completed { get; } = [];

        public List<string> Partitions { get; } = [];

        public string StageName => name;

        public ValueTask<IReadOnlyList<OutgoingRecord>> ProcessAsync(IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> batch, CancellationToken cancellationToken)
        {
            Seen.AddRange(batch);
            _batches.Enqueue(++_batch);
            return ValueTask.FromResult<IReadOnlyList<OutgoingRecord>>(
                [.. batch.Where(r => Text(r) == "m").Select(r => new OutgoingRecord(output, new Message<byte[]?, byte[]?> { Value = r.Message.Value }))]);
        }

        public Task CompleteBatchAsync()
        {
            Completed.Add(_batches.Dequeue());
            return Task.CompletedTask;
        }

        public void PartitionsRevoked(IReadOnlyCollection<TopicPartition> partitions) => Partitions.Add("revoked");

        public void PartitionsLost(IReadOnlyCollection<TopicPartition> partitions)
        {
            _batches.Clear();
            Partitions.Add("lost");
        }
    }
}
