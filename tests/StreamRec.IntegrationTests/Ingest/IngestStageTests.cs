using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using StreamRec.Contracts;
using StreamRec.Ingest;
using StreamRec.IntegrationTests.Infrastructure;
using StreamRec.IntegrationTests.Embedding;
using StreamRec.IntegrationTests.Kafka;
using StreamRec.Messaging;
using StreamRec.Messaging.Stages;

namespace StreamRec.IntegrationTests.Ingest;

[Collection(KafkaCollection.Name)]
public sealed class IngestStageTests(KafkaFixture kafka)
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public async Task Valid_events_come_out_pseudonymised_and_every_invalid_one_lands_in_the_dlq_with_its_reason()
    {
        var topics = new TopicNames
        {
            Raw = UniqueNames.Next("raw"),
            Clean = UniqueNames.Next("clean"),
            DeadLetter = UniqueNames.Next("dlq"),
        };
        foreach (var topic in new[] { topics.Raw, topics.Clean, topics.DeadLetter })
        {
            kafka.CreateTopic(topic, partitions: 4);
        }

        var inputs = Inputs();
        Produce(topics.Raw, inputs);

        using var counters = new CounterCapture();
        using var stop = new CancellationTokenSource();
        var options = new IngestOptions { PseudonymKey = Convert.ToBase64String(Key) };
        var processor = new IngestProcessor(new RawEventValidator(options, TimeProvider.System), new Pseudonymizer(Key), topics, TimeProvider.System);
        var loop = new StageLoop(kafka.Options, new StageLoopOptions { InputTopic = topics.Raw, GroupId = UniqueNames.Next("ingest"), MaxBatchSize = 64 },
            processor, counters.Metrics, counters.Consumers, NullLogger.Instance).RunAsync(stop.Token);

        var expectedValid = inputs.Count(i => i.Reason is null);
        var expectedInvalid = inputs.Count - expectedValid;
        await Eventually.TrueAsync(() =>
        {
            Assert.False(loop.IsFaulted, loop.Exception?.ToString());
            return counters.Get("streamrec_events_consumed_total", "stage", IngestProcessor.Stage) == inputs.Count;
        }, TimeSpan.FromSeconds(60), () => $"ingest consumed all {inputs.Count} records (so far {counters.Get("streamrec_events_consumed_total", "stage", IngestProcessor.Stage)})");
        await stop.CancelAsync();
        await loop;

        var clean = KafkaTestClients.ReadToEnd(kafka.Options, topics.Clean, readCommitted: false, TimeSpan.FromSeconds(60));
        var dlq = ByteRecords.ReadToEnd(kafka.Options, topics.DeadLetter, TimeSpan.FromSeconds(60));

        // Counts reconcile, in the topics and in the counters.
        Assert.Equal(expectedValid, clean.Count);
        Assert.Equal(expectedInvalid, dlq.Count);
        Assert.Equal(expectedValid, counters.Get("streamrec_events_forwarded_total", "stage", IngestProcessor.Stage));
        Assert.Equal(expectedInvalid, counters.Get("streamrec_events_dead_lettered_total", "stage", IngestProcessor.Stage));

        // Clean events: keyed by a stable pseudonym, no raw user id anywhere in the record.
        var pseudonymizer = new Pseudonymizer(Key);
        // Event ids travel as keyed hashes (a producer's id may embed the user id).
        var byEventId = inputs.Where(i => i.Reason is null).ToDictionary(i => pseudonymizer.PseudonymizeEventId(i.EventId!));
        foreach (var record in clean)
        {
            var cleanEvent = JsonSerializer.Deserialize(record.Message.Value, ContractsJsonContext.Default.CleanEvent)!;
            var input = byEventId[cleanEvent.EventId];
            Assert.Equal(pseudonymizer.Pseudonymize(input.RawUser!), record.Message.Key);
            Assert.Equal(record.Message.Key, cleanEvent.User);
            Assert.Empty(record.Message.Headers);
            foreach (var rawUser in inputs.Where(i => i.RawUser is not null).Select(i => i.RawUser!).Distinct())
            {
                Assert.DoesNotContain(rawUser, record.Message.Key, StringComparison.Ordinal);
                Assert.DoesNotContain(rawUser, record.Message.Value, StringComparison.Ordinal);
            }
        }

        // Dead letters: the original bytes, key and headers, plus the reason and where it came from.
        var expectedByValue = inputs.Where(i => i.Reason is not null).ToDictionary(i => Convert.ToBase64String(i.Value));
        foreach (var record in dlq)
        {
            var input = expectedByValue[Convert.ToBase64String(record.Message.Value ?? [])];
            Assert.Equal(input.Reason, DeadLetterHeaders.Read(record.Message.Headers, DeadLetterHeaders.Reason));
            Assert.Equal(input.Key, record.Message.Key);
            Assert.Equal("ingest", DeadLetterHeaders.Read(record.Message.Headers, DeadLetterHeaders.Stage));
            Assert.Equal(topics.Raw, DeadLetterHeaders.Read(record.Message.Headers, DeadLetterHeaders.SourceTopic));
            Assert.NotNull(DeadLetterHeaders.Read(record.Message.Headers, DeadLetterHeaders.SourceOffset));
            Assert.Equal("kept", DeadLetterHeaders.Read(record.Message.Headers, "producer-header"));
        }

        foreach (var reason in inputs.Where(i => i.Reason is not null).GroupBy(i => i.Reason!))
        {
            Assert.Equal(reason.Count(), counters.Get("streamrec_events_dead_lettered_total", "reason", reason.Key));
        }
    }

    [Fact]
    public async Task Consumed_is_forwarded_plus_dead_lettered_whenever_looked_at_and_a_batch_replayed_after_a_crash_counts_once()
    {
        var topics = new TopicNames { Raw = UniqueNames.Next("raw"), Clean = UniqueNames.Next("clean"), DeadLetter = UniqueNames.Next("dlq") };
        foreach (var topic in new[] { topics.Raw, topics.Clean, topics.DeadLetter })
        {
            kafka.CreateTopic(topic, partitions: 2);
        }

        var inputs = Inputs();
        Produce(topics.Raw, inputs);
        var expectedValid = inputs.Count(i => i.Reason is null);
        using var counters = new CounterCapture();
        var options = new IngestOptions { PseudonymKey = Convert.ToBase64String(Key) };
        var loopOptions = new StageLoopOptions { InputTopic = topics.Raw, GroupId = UniqueNames.Next("ingest"), MaxBatchSize = 64 };
        var samples = new List<(string When, long Consumed, long Forwarded, long DeadLettered)>();
        void Sample(string when) => samples.Add((when,
            counters.Get("streamrec_events_consumed_total", "stage", IngestProcessor.Stage),
            counters.Get("streamrec_events_forwarded_total", "stage", IngestProcessor.Stage),
            counters.Get("streamrec_events_dead_lettered_total", "stage", IngestProcessor.Stage)));
        StageLoop Loop(bool crashAtCompletion) => new(kafka.Options, loopOptions,
            new ObservedProcessor(new IngestProcessor(new RawEventValidator(options, TimeProvider.System), new Pseudonymizer(Key), topics, TimeProvider.System), Sample, crashAtCompletion),
            counters.Metrics, counters.Consumers, NullLogger.Instance);

        // The first life dies when its first batch completes: its outputs are delivered, its offsets not
        // stored (as when the stage restarts, or loses the partition). Nothing of it may count yet.
        await Assert.ThrowsAsync<InvalidOperationException>(() => Loop(crashAtCompletion: true).RunAsync(CancellationToken.None));
        Assert.Equal(("complete", 0L, 0L, 0L), samples[^1]);

        // The second life replays that batch and finishes: it counts once. Looked at from inside the loop
        // (before each batch is processed, when each completes, batches of the same loop in flight), the
        // identity always holds.
        using var stop = new CancellationTokenSource();
        var loop = Loop(crashAtCompletion: false).RunAsync(stop.Token);
        await Eventually.TrueAsync(() => loop.IsCompleted || counters.Get("streamrec_events_consumed_total", "stage", IngestProcessor.Stage) == inputs.Count,
            TimeSpan.FromSeconds(60), () => $"ingest consumed all {inputs.Count} records (so far {counters.Get("streamrec_events_consumed_total", "stage", IngestProcessor.Stage)})");
        await stop.CancelAsync();
        await loop;

        Assert.All(samples, s => Assert.True(s.Consumed == s.Forwarded + s.DeadLettered, $"at {s.When}: consumed {s.Consumed} != forwarded {s.Forwarded} + dead-lettered {s.DeadLettered}"));
        Assert.Contains(samples, s => s.Consumed > 0);
        Assert.Equal(inputs.Count, counters.Get("streamrec_events_consumed_total", "stage", IngestProcessor.Stage));
        Assert.Equal(expectedValid, counters.Get("streamrec_events_forwarded_total", "stage", IngestProcessor.Stage));
        Assert.Equal(inputs.Count - expectedValid, counters.Get("streamrec_events_dead_lettered_total", "stage", IngestProcessor.Stage));
    }

    private sealed record Input(byte[]? Key, byte[] Value, string? Reason, string? EventId = null, string? RawUser = null);

    private static List<Input> Inputs()
    {
        var inputs = new List<Input>();
        var random = new Random(7);
        for (var i = 0; i < 600; i++)
        {
            var user = $"raw-user-{i % 37:D5}";
            var json = $$"""{"schema_version":1,"event_id":"ev-{{i}}","user_id":"{{user}}","item_id":"{{i % 50}}","type":"click","ts":{{1_600_000_000_000L + i}},"title":"Item {{i}} (2001)","categories":["Drama"]}""";
            inputs.Add(new Input(Encoding.UTF8.GetBytes(user), Encoding.UTF8.GetBytes(json), null, $"ev-{i}", user));
        }

        void Bad(string reason, byte[] value) => inputs.Add(new Input(Encoding.UTF8.GetBytes($"raw-user-bad-{inputs.Count}"), value, reason));
        for (var i = 0; i < 20; i++)
        {
            var garbage = new byte[1 + random.Next(200)];
            random.NextBytes(garbage);
            garbage[0] = 0xFF; // never valid UTF-8
            Bad(RejectionReasons.InvalidUtf8, garbage);
            Bad(RejectionReasons.InvalidJson, Encoding.UTF8.GetBytes($$"""{"event_id":"t{{i}}","user_id":"x"""));
            Bad(RejectionReasons.WrongType, Encoding.UTF8.GetBytes($$"""{"event_id":"w{{i}}","user_id":{{i}},"item_id":"1","type":"view","ts":1600000000000}"""));
            Bad(RejectionReasons.UnknownEventType, Encoding.UTF8.GetBytes($$"""{"event_id":"u{{i}}","user_id":"raw-user-x","item_id":"1","type":"teleport","ts":1600000000000}"""));
            Bad(RejectionReasons.MissingField, Encoding.UTF8.GetBytes($$"""{"event_id":"m{{i}}","item_id":"1","type":"view","ts":1600000000000}"""));
            Bad(RejectionReasons.TooLarge, Encoding.UTF8.GetBytes($$"""{"event_id":"{{new string('z', 20_000 + i)}}"}"""));
        }

        // Deterministic interleaving of good and bad records.
        return [.. inputs.OrderBy(_ => random.Next())];
    }

    private void Produce(string topic, List<Input> inputs)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(KafkaClientConfigs.Producer(kafka.Options)).Build();
        foreach (var input in inputs)
        {
            producer.Produce(topic, new Message<byte[]?, byte[]?>
            {
                Key = input.Key,
                Value = input.Value,
                Headers = new Headers { { "producer-header", "kept"u8.ToArray() } },
            });
        }

        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }

    /// <summary>
    /// Ingest as a stateful stage, to look at the counters from inside the loop (on its thread, so no count
    /// is half made): before each batch is processed and when each completes, where it may crash.
    /// </summary>
    private sealed class ObservedProcessor(IBatchProcessor inner, Action<string> observe, bool crashAtCompletion) : IStatefulBatchProcessor
    {
        public string StageName => inner.StageName;

        public IReadOnlyCollection<string> DeadLetterReasons => inner.DeadLetterReasons;

        public ValueTask<IReadOnlyList<OutgoingRecord>> ProcessAsync(IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> batch, CancellationToken cancellationToken)
        {
            observe("process");
            return inner.ProcessAsync(batch, cancellationToken);
        }

        public Task CompleteBatchAsync()
        {
            observe("complete");
            return crashAtCompletion ? Task.FromException(new InvalidOperationException("simulated crash before the offsets are stored")) : Task.CompletedTask;
        }

        public void PartitionsRevoked(IReadOnlyCollection<TopicPartition> partitions)
        {
        }

        public void PartitionsLost(IReadOnlyCollection<TopicPartition> partitions)
        {
        }
    }
}
