using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using StreamRec.Contracts;
using StreamRec.Embedder.Embedding;
using StreamRec.Embedder.Features;
using StreamRec.Embedder.Stage;
using StreamRec.Ingest;
using StreamRec.Messaging;
using StreamRec.Messaging.Stages;
using StreamRec.TestSupport;
using StreamRec.UnitTests.Embedding;
using StreamRec.UnitTests.Ingest;

namespace StreamRec.UnitTests.Messaging;

/// <summary>
/// The real Ingest and Embedder in a fused chain hand their events on as objects instead of JSON and
/// binary records: what the next stage gets, and what is written when the intermediate topics are, must
/// be exactly what a split deployment's stages write and read.
/// </summary>
public sealed class FusedHandOffTests : IDisposable
{
    private const int D = 4;
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
    private static readonly ItemFeatureHashingOptions Hashing = new() { VocabularySize = 1000, MaxFeatures = 3, Seed = 1 };

    private readonly TopicNames _topics = new();
    private readonly TestTelemetry _telemetry = new();
    private readonly List<EmbeddingService> _services = [];

    public void Dispose()
    {
        foreach (var service in _services)
        {
            service.Dispose();
        }

        _telemetry.Dispose();
    }

    private IngestProcessor Ingest() =>
        new(new RawEventValidator(new IngestOptions(), new FixedTimeProvider(Now)), new Pseudonymizer(Key), _topics, new FixedTimeProvider(Now));

    private EmbedderProcessor Embedder()
    {
        var service = new EmbeddingService(new FakeEncoderRunner(Hashing.MaxFeatures, D), new EncoderDescription("v1", D, Hashing, HashingFromModel: true), 8, 100);
        _services.Add(service);
        return new EmbedderProcessor(service, _topics, new FixedTimeProvider(Now), NullLogger.Instance);
    }

    /// <summary>Raw events on two partitions, users' events interleaved, one of them not JSON (dead-lettered by Ingest).</summary>
    private List<ConsumeResult<byte[]?, byte[]?>> RawBatch()
    {
        string Event(int i, string user, string item, string extra) =>
            $$"""{"schema_version":1,"event_id":"e-{{i}}","user_id":"{{user}}","item_id":"{{item}}","type":"click","ts":{{Now.AddMinutes(-i).ToUnixTimeMilliseconds()}}{{extra}}}""";
        string[] values =
        [
            Event(1, "alice", "296", ""","title":"Pulp Fiction (1994)","categories":["Comedy","Crime"]"""),
            Event(2, "bob", "1", ""","title":"Toy Story (1995)","categories":["Animation"],"tags":["pixar","kids"]"""),
            "{not json",
            Event(4, "alice", "593", ""","title":"Caf\u00e9 \"Noir\" \\ (1991)","categories":[]"""),
            Event(5, "carol", "42", ""),
        ];
        return [.. values.Select((v, i) => new ConsumeResult<byte[]?, byte[]?>
        {
            TopicPartitionOffset = new TopicPartitionOffset(_topics.Raw, i % 2, 100 + i),
            Message = new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes(v), Timestamp = new Timestamp(1_700_000_000_000 + i, TimestampType.CreateTime) },
        })];
    }

    /// <summary>Split: Ingest's clean records, then the Embedder on them as consumed from the clean topic.</summary>
    private async Task<(IReadOnlyList<OutgoingRecord> Clean, IReadOnlyList<OutgoingRecord> Embedded)> SplitAsync()
    {
        var clean = await Ingest().ProcessAsync(RawBatch(), CancellationToken.None);
        var consumed = clean.Where(o => o.Topic == _topics.Clean).Select((o, i) => new ConsumeResult<byte[]?, byte[]?>
        {
            TopicPartitionOffset = new TopicPartitionOffset(_topics.Clean, 0, i),
            Message = o.Message,
        }).ToList();
        var embedded = await Embedder().ProcessAsync(consumed, CancellationToken.None);
        return (clean, embedded);
    }

    private static string Hex(byte[]? bytes) => bytes is null ? "null" : Convert.ToHexString(bytes);

    [Fact]
    public async Task Unwritten_the_events_are_handed_on_as_objects_that_encode_to_the_records_split_writes()
    {
        var (_, splitEmbedded) = await SplitAsync();
        var next = new RecordingStage(readsPayloads: true);
        var fused = new FusedProcessor([new(Ingest(), _topics.Raw), new(Embedder(), _topics.Clean), new(next, _topics.Embedded)], _topics, _telemetry.Metrics);

        var written = await fused.ProcessAsync(RawBatch(), CancellationToken.None);

        Assert.Equal(4, next.Seen.Count);
        var handed = next.Seen.Select(r => Assert.IsType<HandedOnRecord>(r)).ToList();
        Assert.All(handed, r => Assert.Null(r.Message.Value)); // never encoded: nobody reads the bytes
        Assert.All(handed, r => Assert.Null(r.Message.Key));
        Assert.Equal(
            splitEmbedded.Select(o => Hex(o.Message.Value)),
            handed.Select(r => Hex(EmbeddedEventCodec.Write(Assert.IsType<EmbeddedEvent>(r.Payload)))));
        Assert.Equal(splitEmbedded.Select(o => o.Message.Timestamp), handed.Select(r => r.Message.Timestamp));
        Assert.Equal([(0, 100L), (1, 101L), (1, 103L), (0, 104L)], handed.Select(r => (r.Partition.Value, r.Offset.Value)));
        Assert.Equal([_topics.DeadLetter], written.Select(o => o.Topic)); // only Ingest's dead letter leaves the process
    }

    [Fact]
    public async Task Written_intermediate_topics_carry_exactly_the_bytes_of_split_and_the_next_stage_still_gets_objects()
    {
        var (splitClean, splitEmbedded) = await SplitAsync();
        var next = new RecordingStage(readsPayloads: true);
        var fused = new FusedProcessor(
            [new(Ingest(), _topics.Raw), new(Embedder(), _topics.Clean), new(next, _topics.Embedded)], _topics, _telemetry.Metrics, writeIntermediateTopics: true);

        var written = await fused.ProcessAsync(RawBatch(), CancellationToken.None);

        (string, string, long)[] Records(IEnumerable<OutgoingRecord> outputs, string topic) =>
            [.. outputs.Where(o => o.Topic == topic).Select(o => (Hex(o.Message.Key), Hex(o.Message.Value), o.Message.Timestamp.UnixTimestampMs))];
        Assert.Equal(Records(splitClean, _topics.Clean), Records(written, _topics.Clean));
        Assert.Equal(Records(splitEmbedded, _topics.Embedded), Records(written, _topics.Embedded));
        Assert.Equal(4, Records(written, _topics.Embedded).Length);
        Assert.All(next.Seen, r => Assert.IsType<EmbeddedEvent>(Assert.IsType<HandedOnRecord>(r).Payload));
    }

    [Fact]
    public async Task A_next_stage_that_reads_only_bytes_gets_the_encoded_records_of_split()
    {
        var (_, splitEmbedded) = await SplitAsync();
        var next = new RecordingStage(readsPayloads: false);
        var fused = new FusedProcessor([new(Ingest(), _topics.Raw), new(Embedder(), _topics.Clean), new(next, _topics.Embedded)], _topics, _telemetry.Metrics);

        await fused.ProcessAsync(RawBatch(), CancellationToken.None);

        Assert.Equal(splitEmbedded.Select(o => Hex(o.Message.Value)), next.Seen.Select(r => Hex(r.Message.Value)));
        Assert.Equal(splitEmbedded.Select(o => Hex(o.Message.Key)), next.Seen.Select(r => Hex(r.Message.Key)));
    }

    [Fact]
    public async Task Values_are_left_out_only_when_every_stage_reading_the_topic_takes_payloads()
    {
        // The DriftDetector and a billboard both read the embedded events; here the second one reads only bytes.
        var (_, splitEmbedded) = await SplitAsync();
        var objects = new RecordingStage(readsPayloads: true);
        var bytes = new RecordingStage(readsPayloads: false);
        var fused = new FusedProcessor(
            [new(Ingest(), _topics.Raw), new(Embedder(), _topics.Clean), new(objects, _topics.Embedded), new(bytes, _topics.Embedded)], _topics, _telemetry.Metrics);

        await fused.ProcessAsync(RawBatch(), CancellationToken.None);

        Assert.Equal(splitEmbedded.Select(o => Hex(o.Message.Value)), bytes.Seen.Select(r => Hex(r.Message.Value)));
        Assert.Equal(splitEmbedded.Select(o => Hex(o.Message.Value)), objects.Seen.Select(r => Hex(r.Message.Value)));
    }

    [Fact]
    public async Task A_handed_over_clean_event_that_fails_the_checks_is_dead_lettered_as_its_record_with_the_detail_of_split()
    {
        var bad = new CleanEvent { EventId = "e", User = "u", ItemId = "", Type = "click", Weight = 1, Ts = 1, Origin = new EventOrigin(2, 9) };
        var timestamp = new Timestamp(1_700_000_000_000, TimestampType.CreateTime);
        var split = Embedder();
        var fused = Embedder();
        fused.HandOnPayloads(_topics.Embedded, written: false);

        var fromBytes = await split.ProcessAsync(
            [new ConsumeResult<byte[]?, byte[]?> { TopicPartitionOffset = new TopicPartitionOffset(_topics.Raw, 2, 9), Message = PipelineMessages.Clean(bad, timestamp) }],
            CancellationToken.None);
        var fromObject = await fused.ProcessAsync(
            [new HandedOnRecord { Topic = _topics.Raw, Partition = 2, Offset = 9, Message = new Message<byte[]?, byte[]?> { Timestamp = timestamp }, Payload = bad }],
            CancellationToken.None);

        var expected = Assert.Single(fromBytes);
        var actual = Assert.Single(fromObject);
        Assert.Equal(EmbedderProcessor.InvalidCleanEvent, actual.DeadLetterReason);
        Assert.Equal(Hex(expected.Message.Value), Hex(actual.Message.Value));
        Assert.Equal(Hex(expected.Message.Key), Hex(actual.Message.Key));
        Assert.Equal(
            DeadLetterHeaders.Read(expected.Message.Headers, DeadLetterHeaders.Detail),
            DeadLetterHeaders.Read(actual.Message.Headers, DeadLetterHeaders.Detail));
    }

    /// <summary>A last stage that notes what it was handed and writes nothing.</summary>
    private sealed class RecordingStage(bool readsPayloads) : IBatchProcessor
    {
        public List<ConsumeResult<byte[]?, byte[]?>> Seen { get; } = [];

        public string StageName => "next";

        public bool ReadsPayloads => readsPayloads;

        public ValueTask<IReadOnlyList<OutgoingRecord>> ProcessAsync(IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> batch, CancellationToken cancellationToken)
        {
            Seen.AddRange(batch);
            return ValueTask.FromResult<IReadOnlyList<OutgoingRecord>>([]);
        }
    }
}
