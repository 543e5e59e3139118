using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using StreamRec.Contracts;
using StreamRec.Embedder.Embedding;
using StreamRec.Embedder.Features;
using StreamRec.Embedder.Stage;
using StreamRec.Ingest;
using StreamRec.IntegrationTests.Embedding;
using StreamRec.IntegrationTests.Infrastructure;
using StreamRec.IntegrationTests.Kafka;
using StreamRec.Messaging;
using StreamRec.Messaging.Stages;

namespace StreamRec.IntegrationTests.Pipeline;

/// <summary>The first two stages together, through the real embedded broker and a real redis-server.</summary>
[Collection(KafkaCollection.Name)]
public sealed class IngestToEmbedderTests(KafkaFixture kafka)
{
    private static readonly byte[] Key = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public async Task Raw_events_in_exactly_the_valid_ones_out_as_embeddings_the_rest_in_the_dlq_and_counts_reconcile()
    {
        var topics = new TopicNames
        {
            Raw = UniqueNames.Next("raw"),
            Clean = UniqueNames.Next("clean"),
            Embedded = UniqueNames.Next("embedded"),
            DeadLetter = UniqueNames.Next("dlq"),
        };
        foreach (var topic in new[] { topics.Raw, topics.Clean, topics.Embedded, topics.DeadLetter })
        {
            kafka.CreateTopic(topic, partitions: 4);
        }

        var (valid, invalid) = RawEvents();
        KafkaTestClients.ProduceAll(kafka.Options, topics.Raw,
            valid.Select(e => new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes(e.UserId), Value = JsonSerializer.SerializeToUtf8Bytes(e, ContractsJsonContext.Default.RawEvent) })
                .Concat(invalid.Select(v => new Message<byte[]?, byte[]?> { Key = "raw-user-bad"u8.ToArray(), Value = v })));

        using var encoder = new TestEncoder("pipeline-v1");
        using var counters = new CounterCapture();
        using var service = EmbeddingService.Load(encoder.Options());
        using var stop = new CancellationTokenSource();
        var ingestOptions = new IngestOptions { PseudonymKey = Convert.ToBase64String(Key) };
        var ingest = new StageLoop(kafka.Options, new StageLoopOptions { InputTopic = topics.Raw, GroupId = UniqueNames.Next("ingest"), MaxBatchSize = 32 },
            new IngestProcessor(new RawEventValidator(ingestOptions, TimeProvider.System), new Pseudonymizer(Key), topics, TimeProvider.System),
            counters.Metrics, counters.Consumers, NullLogger.Instance).RunAsync(stop.Token);
        var embed = new StageLoop(kafka.Options, new StageLoopOptions { InputTopic = topics.Clean, GroupId = UniqueNames.Next("embed"), MaxBatchSize = 32 },
            new EmbedderProcessor(service, topics, TimeProvider.System, NullLogger.Instance),
            counters.Metrics, counters.Consumers, NullLogger.Instance).RunAsync(stop.Token);

        long Consumed(string stage) => counters.Get("streamrec_events_consumed_total", "stage", stage);
        await Eventually.TrueAsync(
            () => Healthy(ingest, embed) && Consumed(IngestProcessor.Stage) == valid.Count + invalid.Count && Consumed(EmbedderProcessor.Stage) == valid.Count,
            TimeSpan.FromSeconds(90),
            () => $"both stages done (ingest {Consumed(IngestProcessor.Stage)}/{valid.Count + invalid.Count}, embed {Consumed(EmbedderProcessor.Stage)}/{valid.Count})");
        await stop.CancelAsync();
        await Task.WhenAll(ingest, embed);

        // Exactly the valid events come out, keyed by the pseudonym, with the encoder's vector of their item.
        var pseudonymizer = new Pseudonymizer(Key);
        var embedded = ByteRecords.ReadToEnd(kafka.Options, topics.Embedded, TimeSpan.FromSeconds(60));
        var byId = valid.ToDictionary(e => pseudonymizer.PseudonymizeEventId(e.EventId));
        Assert.Equal(byId.Keys.Order(StringComparer.Ordinal), embedded.Select(r => EmbeddedEventCodec.Read(r.Message.Value).EventId).Order(StringComparer.Ordinal));
        // Each carries the raw record it came from, so that a copy made by a replay is recognisable.
        var rawPositions = ByteRecords.ReadToEnd(kafka.Options, topics.Raw, TimeSpan.FromSeconds(60))
            .Where(r => Encoding.UTF8.GetString(r.Message.Key!) != "raw-user-bad")
            .ToDictionary(r => pseudonymizer.PseudonymizeEventId(JsonSerializer.Deserialize(r.Message.Value, ContractsJsonContext.Default.RawEvent)!.EventId), r => new EventOrigin(r.Partition.Value, r.Offset.Value));
        foreach (var record in embedded)
        {
            var output = EmbeddedEventCodec.Read(record.Message.Value);
            var input = byId[output.EventId];
            Assert.Equal(rawPositions[output.EventId], output.Origin);
            Assert.Equal(pseudonymizer.Pseudonymize(input.UserId), Encoding.UTF8.GetString(record.Message.Key!));
            Assert.Equal(input.Ts, output.Ts);
            TestEncoder.AssertClose(encoder.Reference(new ItemAttributes(input.ItemId, input.Title, input.Categories)), output.Embedding.Span, output.EventId);
        }

        // No raw user id anywhere downstream of Ingest: every embedded and clean record searched.
        var downstream = embedded.Concat(ByteRecords.ReadToEnd(kafka.Options, topics.Clean, TimeSpan.FromSeconds(60))).ToList();
        foreach (var rawUser in valid.Select(e => e.UserId).Distinct())
        {
            var needle = Encoding.UTF8.GetBytes(rawUser);
            Assert.DoesNotContain(downstream, r => r.Message.Key!.AsSpan().IndexOf(needle) >= 0 || r.Message.Value!.AsSpan().IndexOf(needle) >= 0);
        }

        // The invalid ones are in the dead-letter topic, rejected by Ingest.
        var dead = ByteRecords.ReadToEnd(kafka.Options, topics.DeadLetter, TimeSpan.FromSeconds(60));
        Assert.Equal(invalid.Select(Convert.ToBase64String).Order(StringComparer.Ordinal), dead.Select(r => Convert.ToBase64String(r.Message.Value!)).Order(StringComparer.Ordinal));
        Assert.All(dead, r => Assert.Equal(IngestProcessor.Stage, DeadLetterHeaders.Read(r.Message.Headers, DeadLetterHeaders.Stage)));

        // Counters reconcile per stage: consumed = forwarded + dead-lettered.
        foreach (var stage in new[] { IngestProcessor.Stage, EmbedderProcessor.Stage })
        {
            Assert.Equal(
                Consumed(stage),
                counters.Get("streamrec_events_forwarded_total", "stage", stage) + counters.Get("streamrec_events_dead_lettered_total", "stage", stage));
        }

        Assert.Equal(invalid.Count, counters.Get("streamrec_events_dead_lettered_total", "stage", IngestProcessor.Stage));
    }

    private static (List<RawEvent> Valid, List<byte[]> Invalid) RawEvents()
    {
        string[][] genres = [["Drama"], ["Comedy", "Romance"], ["Action", "Sci-Fi"], ["Horror"]];
        var valid = Enumerable.Range(0, 240).Select(i => new RawEvent
        {
            EventId = $"p-{i}",
            UserId = $"raw-user-{i % 13:D4}",
            ItemId = $"{i % 40}",
            Type = i % 3 == 0 ? "purchase" : "view",
            Ts = 1_600_000_000_000L + (i * 1000L),
            Title = $"Movie {i % 40} ({1980 + (i % 40)})",
            Categories = genres[i % genres.Length],
        }).ToList();
        List<byte[]> invalid =
        [
            [0xFF, 0xFE, 0x00],
            "{\"event_id\":\"x\""u8.ToArray(),
            "{\"event_id\":\"a\",\"user_id\":7,\"item_id\":\"1\",\"type\":\"view\",\"ts\":1600000000000}"u8.ToArray(),
            "{\"event_id\":\"b\",\"user_id\":\"u\",\"item_id\":\"1\",\"type\":\"wink\",\"ts\":1600000000000}"u8.ToArray(),
            "{\"event_id\":\"c\",\"user_id\":\"u\",\"item_id\":\"1\",\"type\":\"view\"}"u8.ToArray(),
            "[]"u8.ToArray(),
        ];
        return (valid, invalid);
    }

    private static bool Healthy(params Task[] loops)
    {
        foreach (var loop in loops.Where(l => l.IsFaulted))
        {
            loop.GetAwaiter().GetResult();
        }

        return true;
    }
}
