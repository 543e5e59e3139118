using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using StreamRec.Contracts;
using StreamRec.DriftDetector.Stage;
using StreamRec.Embedder.Embedding;
using StreamRec.Embedder.Stage;
using StreamRec.Ingest;
using StreamRec.IntegrationTests.Embedding;
using StreamRec.IntegrationTests.Infrastructure;
using StreamRec.Messaging;
using StreamRec.Messaging.Stages;
using StreamRec.Recommender.Stage;

namespace StreamRec.IntegrationTests.Reliability;

/// <summary>
/// Ten thousand malformed records through the real Ingest stage on the embedded broker: alone (split), and
/// at the head of a fused chain of all four stages (one consumer of the raw topic, the Embedder, the
/// DriftDetector and the Recommender in process, with their Redis state).
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class HostileInputTests(KafkaFixture kafka, RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Theory]
    [InlineData("split")]
    [InlineData("fused")]
    public async Task Ten_thousand_malformed_records_all_land_in_the_dlq_unchanged_with_a_reason_and_the_stage_never_stops(string topology)
    {
        var fused = topology == "fused";
        var prefix = UniqueNames.Next("hostile") + "-";
        var topics = new TopicNames
        {
            Raw = prefix + "raw", Clean = prefix + "clean", Embedded = prefix + "embedded", DeadLetter = prefix + "dlq",
            Mutations = prefix + "mutations", Recommendations = prefix + "recommendations", Catalog = prefix + "catalog", Billboard = prefix + "billboard",
        };
        foreach (var topic in topics.All)
        {
            kafka.CreateTopic(topic, partitions: 4);
        }

        var records = HostileRecords.Generate(10_000, seed: 8);
        ByteRecords.ProduceAll(kafka.Options, topics.Raw, records.Select((r, i) => new Message<byte[]?, byte[]?>
        {
            Key = i % 7 == 0 ? null : BitConverter.GetBytes(i), // some without a key
            Value = r.Value,
        }));

        using var counters = new CounterCapture();
        using var stop = new CancellationTokenSource();
        var key = Enumerable.Range(3, 32).Select(i => (byte)i).ToArray();
        var options = new IngestOptions { PseudonymKey = Convert.ToBase64String(key) };
        var ingest = new IngestProcessor(new RawEventValidator(options, TimeProvider.System), new Pseudonymizer(key), topics, TimeProvider.System);
        using var encoder = new TestEncoder(prefix + "model");
        using var service = EmbeddingService.Load(encoder.Options());
        var db = redis.Connection.GetDatabase();
        var recommender = new RecommenderOptions();
        var recommenderMetrics = new RecommenderMetrics(counters.Metrics);
        IBatchProcessor processor = fused
            ? new FusedProcessor(
            [
                new(ingest, topics.Raw),
                new(new EmbedderProcessor(service, topics, TimeProvider.System, NullLogger.Instance), topics.Clean),
                new(DriftDetectorWorker.CreateProcessor(new DriftDetectorOptions(), db, topics, new DriftMetrics(counters.Metrics), TimeProvider.System, NullLogger.Instance), topics.Embedded),
                new(RecommenderWorker.CreateProcessor(recommender, db, topics, recommenderMetrics, TimeProvider.System, NullLogger.Instance), topics.Mutations),
            ], topics, counters.Metrics)
            : ingest;
        var loop = new StageLoop(kafka.Options, new StageLoopOptions { InputTopic = topics.Raw, GroupId = UniqueNames.Next("hostile"), MaxBatchSize = 512 },
            processor, counters.Metrics, counters.Consumers, NullLogger.Instance).RunAsync(stop.Token);

        await Eventually.TrueAsync(() =>
        {
            Assert.False(loop.IsCompleted, loop.Exception?.ToString() ?? "the ingest stage stopped");
            return counters.Get("streamrec_events_consumed_total", "stage", IngestProcessor.Stage) == records.Count;
        }, TimeSpan.FromSeconds(120), () => $"ingest consumed all {records.Count} (so far {counters.Get("streamrec_events_consumed_total", "stage", IngestProcessor.Stage)})");
        await stop.CancelAsync();
        await loop;

        var dlq = ByteRecords.ReadToEnd(kafka.Options, topics.DeadLetter, TimeSpan.FromSeconds(120));
        var clean = ByteRecords.ReadToEnd(kafka.Options, topics.Clean, TimeSpan.FromSeconds(30));

        Assert.Empty(clean);
        // Nothing got past Ingest: the later stages of a fused chain were never handed a record.
        Assert.Empty(ByteRecords.ReadToEnd(kafka.Options, topics.Mutations, TimeSpan.FromSeconds(10)));
        Assert.Equal(0, counters.Get("streamrec_events_consumed_total", "stage", EmbedderProcessor.Stage));
        Assert.Equal(records.Count, dlq.Count);
        Assert.Equal(records.Count, counters.Get("streamrec_events_dead_lettered_total", "stage", IngestProcessor.Stage));
        Assert.Equal(0, counters.Get("streamrec_events_forwarded_total", "stage", IngestProcessor.Stage));
        // Unchanged: the multiset of values out equals the multiset in.
        Assert.Equal(records.Select(r => Convert.ToBase64String(r.Value)).Order(StringComparer.Ordinal),
            dlq.Select(r => Convert.ToBase64String(r.Message.Value!)).Order(StringComparer.Ordinal));
        var reasons = dlq.Select(r => DeadLetterHeaders.Read(r.Message.Headers, DeadLetterHeaders.Reason)).ToList();
        Assert.All(reasons, r => Assert.False(string.IsNullOrEmpty(r), "a dead-lettered record without a reason"));

        // And the reason is the one each family deserves.
        var reasonByValue = dlq.GroupBy(r => Convert.ToBase64String(r.Message.Value!))
            .ToDictionary(g => g.Key, g => g.Select(r => DeadLetterHeaders.Read(r.Message.Headers, DeadLetterHeaders.Reason)!).Distinct().ToList());
        var wrong = records
            .Select(r => (r.Family, Reasons: reasonByValue[Convert.ToBase64String(r.Value)]))
            .Where(r => !r.Reasons.All(Expected[r.Family].Contains))
            .GroupBy(r => (r.Family, string.Join("/", r.Reasons)))
            .Select(g => $"{g.Key.Family} -> {g.Key.Item2} x{g.Count()}")
            .ToList();
        Assert.True(wrong.Count == 0, "unexpected reasons: " + string.Join("; ", wrong));
    }

    private static readonly Dictionary<string, string[]> Expected = new()
    {
        ["random_bytes"] = [RejectionReasons.InvalidUtf8, RejectionReasons.InvalidJson],
        ["truncated"] = [RejectionReasons.InvalidJson],
        ["wrong_type"] = [RejectionReasons.WrongType, RejectionReasons.InvalidTimestamp], // ts may be an ISO-8601 string: "yesterday" is not one
        ["huge"] = [RejectionReasons.TooLarge],
        ["invalid_utf8"] = [RejectionReasons.InvalidUtf8],
        ["deep_nesting"] = [RejectionReasons.InvalidJson],
        ["out_of_range"] = [RejectionReasons.InvalidTimestamp, RejectionReasons.TimestampOutOfWindow, RejectionReasons.WrongType],
        ["duplicate_field"] = [RejectionReasons.DuplicateField],
        ["missing_field"] = [RejectionReasons.MissingField],
        ["bad_value"] = [RejectionReasons.UnknownEventType, RejectionReasons.InvalidField],
    };
}
