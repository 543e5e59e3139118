using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using StreamRec.Contracts;
using StreamRec.Embedder.Embedding;
using StreamRec.Embedder.Features;
using StreamRec.Embedder.Stage;
using StreamRec.IntegrationTests.Infrastructure;
using StreamRec.IntegrationTests.Kafka;
using StreamRec.Messaging;
using StreamRec.Messaging.Stages;
using StreamRec.Storage;
using StreamRec.TestSupport;

namespace StreamRec.IntegrationTests.Embedding;

/// <summary>The embed stage end to end: the real embedded broker, a real redis-server and ONNX Runtime.</summary>
[Collection(KafkaCollection.Name)]
public sealed class EmbedderStageTests(KafkaFixture kafka, RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private const int Events = 60, MaxBatchSize = 8;

    [Fact]
    public async Task Clean_events_come_out_embedded_in_order_corrupt_ones_in_the_dlq_and_nothing_about_their_items_in_redis()
    {
        var topics = new TopicNames { Clean = UniqueNames.Next("clean"), Embedded = UniqueNames.Next("embedded"), DeadLetter = UniqueNames.Next("dlq") };
        kafka.CreateTopic(topics.Clean, partitions: 4);
        kafka.CreateTopic(topics.Embedded, partitions: 4);
        kafka.CreateTopic(topics.DeadLetter, partitions: 1);
        var modelVersion = UniqueNames.Next("model");
        using var encoder = new TestEncoder(modelVersion);
        var items = MovieItems.Create(UniqueNames.Next("item") + "-", 15);

        // 60 events of 6 users over 15 items (so items repeat across batches), then three corrupt records.
        var users = Enumerable.Range(0, 6).Select(u => Convert.ToHexStringLower(BitConverter.GetBytes((ulong)(u + 1) * 0x9E3779B97F4A7C15UL))).ToArray();
        var events = Enumerable.Range(0, Events).Select(i => new CleanEvent
        {
            EventId = $"ev-{i}",
            User = users[i % users.Length],
            ItemId = items[(i * 7) % items.Count].ItemId,
            Type = "click",
            Weight = 0.25f * (1 + (i % 4)),
            Ts = 1_700_000_000_000 + (i * 1000L),
            Title = items[(i * 7) % items.Count].Title,
            Categories = items[(i * 7) % items.Count].Categories,
        }).ToList();
        KafkaTestClients.ProduceAll(kafka.Options, topics.Clean, events.Select(e => (e.User, JsonSerializer.Serialize(e, ContractsJsonContext.Default.CleanEvent))));
        var corrupt = new[]
        {
            Corrupt("bad-json", Encoding.UTF8.GetBytes("{\"event_id\": \"x\", oops")),
            Corrupt("bad-version", Encoding.UTF8.GetBytes(JsonSerializer.Serialize(events[0] with { SchemaVersion = 2 }, ContractsJsonContext.Default.CleanEvent))),
            Corrupt("bad-utf8", [0x7B, 0xC3, 0x28, 0x7D]),
        };
        ByteRecords.ProduceAll(kafka.Options, topics.Clean, corrupt);

        using var telemetry = new TestTelemetry();
        using var service = EmbeddingService.Load(encoder.Options(o => o.MaxBatchSize = 4));
        var processor = new RecordingProcessor(new EmbedderProcessor(
            service, topics, TimeProvider.System, NullLogger.Instance));
        var loop = new StageLoop(kafka.Options, new StageLoopOptions
        {
            InputTopic = topics.Clean,
            GroupId = UniqueNames.Next("embedder"),
            MaxBatchSize = MaxBatchSize,
            MaxBatchWait = TimeSpan.FromMilliseconds(300),
        }, processor, telemetry.Metrics, telemetry.Consumers, NullLogger.Instance);
        using (var stop = new CancellationTokenSource())
        {
            var run = loop.RunAsync(stop.Token);
            await Eventually.TrueAsync(
                () => processor.Processed >= Events + corrupt.Length || run.IsCompleted,
                TimeSpan.FromSeconds(60),
                () => $"the stage to process {Events + corrupt.Length} records (processed {processor.Processed})");
            await stop.CancelAsync();
            await run; // a graceful stop delivers the batch in hand; a failure of the stage surfaces here
        }

        // Batching: several micro-batches, none over the limit, and the last partial one flushed by MaxBatchWait.
        Assert.Equal(Events + corrupt.Length, processor.Processed);
        Assert.InRange(processor.BatchSizes.Count, (Events + corrupt.Length) / MaxBatchSize, Events + corrupt.Length);
        Assert.All(processor.BatchSizes, size => Assert.InRange(size, 1, MaxBatchSize));
        Assert.Contains(processor.BatchSizes, size => size < MaxBatchSize);

        // Exactly the valid events, keyed by user, decodable, with the reference embedding of their item.
        var embedded = ByteRecords.ReadToEnd(kafka.Options, topics.Embedded, TimeSpan.FromSeconds(30));
        var decoded = embedded.Select(record => (Key: Encoding.UTF8.GetString(record.Message.Key!), Event: EmbeddedEventCodec.Read(record.Message.Value))).ToList();
        Assert.Equal(events.Select(e => e.EventId).Order(), decoded.Select(d => d.Event.EventId).Order());
        var byId = events.ToDictionary(e => e.EventId);
        foreach (var (key, output) in decoded)
        {
            var input = byId[output.EventId];
            Assert.Equal(input.User, key);
            Assert.Equal((input.User, input.ItemId, input.Ts, input.Weight, modelVersion), (output.User, output.ItemId, output.Ts, output.Weight, output.ModelVersion));
            TestEncoder.AssertClose(encoder.Reference(new ItemAttributes(input.ItemId, input.Title, input.Categories)), output.Embedding.Span, output.EventId);
        }

        // Per user (one partition each), the output order is the input order.
        foreach (var user in users)
        {
            Assert.Equal(
                events.Where(e => e.User == user).Select(e => e.EventId),
                decoded.Where(d => d.Key == user).Select(d => d.Event.EventId));
        }

        // The corrupt records, byte for byte, with the reason headers and their own headers.
        var dead = ByteRecords.ReadToEnd(kafka.Options, topics.DeadLetter, TimeSpan.FromSeconds(30));
        Assert.Equal(corrupt.Length, dead.Count);
        foreach (var record in dead)
        {
            var original = Assert.Single(corrupt, c => c.Key!.AsSpan().SequenceEqual(record.Message.Key));
            var headers = record.Message.Headers;
            Assert.Equal(original.Value, record.Message.Value);
            Assert.Equal(EmbedderProcessor.InvalidCleanEvent, DeadLetterHeaders.Read(headers, DeadLetterHeaders.Reason));
            Assert.Equal(EmbedderProcessor.Stage, DeadLetterHeaders.Read(headers, DeadLetterHeaders.Stage));
            Assert.Equal(topics.Clean, DeadLetterHeaders.Read(headers, DeadLetterHeaders.SourceTopic));
            Assert.InRange(int.Parse(DeadLetterHeaders.Read(headers, DeadLetterHeaders.SourcePartition)!, CultureInfo.InvariantCulture), 0, 3);
            Assert.True(long.Parse(DeadLetterHeaders.Read(headers, DeadLetterHeaders.SourceOffset)!, CultureInfo.InvariantCulture) >= 0);
            Assert.NotNull(DeadLetterHeaders.Read(headers, DeadLetterHeaders.Time));
            Assert.Equal("kept", DeadLetterHeaders.Read(headers, "producer-header"));
            var detail = DeadLetterHeaders.Read(headers, DeadLetterHeaders.Detail);
            Assert.False(string.IsNullOrWhiteSpace(detail));
            Assert.DoesNotContain(users[0], detail, StringComparison.Ordinal);
        }

        Assert.Equal(
            ["not well-formed JSON", "the record value is not valid UTF-8", "unsupported schema_version 2"],
            dead.Select(r => DeadLetterHeaders.Read(r.Message.Headers, DeadLetterHeaders.Detail)!).Select(d => d.Split(';', '(')[0].Trim()).Order());

        // Nothing about the items in Redis: an item named by events is user data, never a candidate nor
        // part of the explanations' vocabulary, which come from the public catalog only.
        var server = redis.Connection.GetServer(redis.Server.ConnectionString);
        Assert.False(await redis.Connection.GetDatabase().KeyExistsAsync(ItemCatalogKeys.ItemsOfModel(modelVersion)));
        foreach (var itemId in events.Select(e => e.ItemId).Distinct())
        {
            Assert.Empty(server.Keys(pattern: $"*{itemId}*"));
        }
    }

    private static Message<byte[]?, byte[]?> Corrupt(string key, byte[] value) => new()
    {
        Key = Encoding.UTF8.GetBytes(key),
        Value = value,
        Headers = new Headers { { "producer-header", Encoding.UTF8.GetBytes("kept") } },
    };
}
