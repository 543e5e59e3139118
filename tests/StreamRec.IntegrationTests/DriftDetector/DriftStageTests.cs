using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using StreamRec.Contracts;
using StreamRec.DriftDetector.Stage;
using StreamRec.DriftDetector.State;
using StreamRec.IntegrationTests.Embedding;
using StreamRec.IntegrationTests.Infrastructure;
using StreamRec.Messaging;
using StreamRec.Messaging.Stages;
using StreamRec.Storage;

namespace StreamRec.IntegrationTests.DriftDetector;

/// <summary>The drift stage end to end: the real embedded broker and a real redis-server.</summary>
[Collection(KafkaCollection.Name)]
public sealed class DriftStageTests(KafkaFixture kafka, RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IDisposable
{
    // The test's own meter and consumer registry (a new one per test): the stages it runs count there.
    private readonly CounterCapture _counters = new();

    private static readonly (string From, string To)[] Switches =
    [
        ("Comedy", "Horror"), ("Romance", "Thriller"), ("Western", "Animation"), ("Documentary", "Comedy"),
    ];

    private static readonly string[][] Stationary = [["Drama", "Romance"], ["Horror", "Thriller"], ["Comedy"], ["Animation", "Western"]];

    private sealed record Scenario(TopicNames Topics, GenreWorld World, List<EmbeddedEvent> Events, Dictionary<string, (string From, string To)> Switchers);

    private async Task<Scenario> ArrangeAsync(int eventsPerPhase, int seed, bool produce = true)
    {
        var prefix = UniqueNames.Next("ds") + "-";
        var topics = new TopicNames { Embedded = prefix + "embedded", Mutations = prefix + "mutations", DeadLetter = prefix + "dlq" };
        kafka.CreateTopic(topics.Embedded, partitions: 4);
        kafka.CreateTopic(topics.Mutations, partitions: 2);
        kafka.CreateTopic(topics.DeadLetter, partitions: 1);
        var world = new GenreWorld(prefix, seed);
        await world.WriteCatalogAsync(redis.Connection.GetDatabase());

        // Each user's history, then all of them interleaved as producers would write them.
        var switchers = Switches.Select((s, i) => (User: $"{prefix}switcher-{i}", Switch: s)).ToDictionary(x => x.User, x => x.Switch);
        var histories = switchers.Select(s => world.Events(s.Key, eventsPerPhase, 0, s.Value.From).Concat(world.Events(s.Key, eventsPerPhase, eventsPerPhase, s.Value.To)).ToList())
            .Concat(Stationary.Select((genres, i) => world.Events($"{prefix}steady-{i}", 2 * eventsPerPhase, 0, genres)))
            .ToList();
        var events = Enumerable.Range(0, 2 * eventsPerPhase).SelectMany(i => histories.Select(h => h[i])).ToList();
        if (produce)
        {
            ByteRecords.ProduceAll(kafka.Options, topics.Embedded, events.Select(GenreWorld.Message));
        }

        return new Scenario(topics, world, events, switchers);
    }

    private DriftProcessor NewProcessor(TopicNames topics) => new(
        new DriftDetectorOptions(),
        new DriftStateStore(redis.Connection.GetDatabase(), TimeSpan.FromDays(1)),
        new ItemCatalogReader(redis.Connection.GetDatabase()),
        topics,
        new DriftMetrics(_counters.Metrics),
        TimeProvider.System,
        NullLogger.Instance);

    private StageLoop Loop(TopicNames topics, string group, IBatchProcessor processor) => new(kafka.Options, new StageLoopOptions
    {
        InputTopic = topics.Embedded,
        GroupId = group,
        MaxBatchSize = 16,
        MaxBatchWait = TimeSpan.FromMilliseconds(50),
        MaxInFlightBatches = 4,
    }, processor, _counters.Metrics, _counters.Consumers, NullLogger.Instance);

    public void Dispose() => _counters.Dispose();

    /// <summary>The uninterrupted reference, from the records as the broker stored them (partition and offset of each).</summary>
    private DriftReference Reference(TopicNames topics)
    {
        var stored = ByteRecords.ReadToEnd(kafka.Options, topics.Embedded, TimeSpan.FromSeconds(30))
            .Where(r => EmbeddedEventCodec.TryRead(r.Message.Value, out _, out _))
            .Select(r => (r.Partition.Value, r.Offset.Value, EmbeddedEventCodec.Read(r.Message.Value)));
        return new DriftReference(new DriftDetectorOptions().Detection, stored);
    }

    private async Task<bool> AllAppliedAsync(Scenario scenario)
    {
        var store = new DriftStateStore(redis.Connection.GetDatabase(), TimeSpan.FromDays(1));
        foreach (var user in scenario.Events.Select(e => e.User).Distinct())
        {
            var stored = await store.LoadAsync(user);
            if (stored is null || stored.State.Events < scenario.Events.Count(e => e.User == user))
            {
                return false;
            }
        }

        return true;
    }

    private async Task AssertStateEqualsReferenceAsync(Scenario scenario, DriftReference reference)
    {
        var store = new DriftStateStore(redis.Connection.GetDatabase(), TimeSpan.FromDays(1));
        foreach (var (user, expected) in reference.States)
        {
            var stored = await store.LoadAsync(user);
            Assert.NotNull(stored);
            DriftReference.AssertSame(expected, stored.State, user);
            Assert.Equal(reference.LastPositions[user], (stored.Partition, stored.Offset));
            Assert.Equal(scenario.World.ModelVersion, stored.ModelVersion);
        }
    }

    private List<MutationRecord> PublishedMutations(TopicNames topics) =>
        [.. ByteRecords.ReadToEnd(kafka.Options, topics.Mutations, TimeSpan.FromSeconds(30))
            .Select(r => JsonSerializer.Deserialize(r.Message.Value, ContractsJsonContext.Default.MutationRecord)!)];

    [Fact]
    public async Task Embedded_events_through_the_broker_give_explained_mutations_reference_state_in_redis_and_reconciled_counts()
    {
        var scenario = await ArrangeAsync(eventsPerPhase: 80, seed: 21);
        Message<byte[]?, byte[]?>[] corrupt =
        [
            new() { Key = "x"u8.ToArray(), Value = "{\"not\": \"binary\"}"u8.ToArray() },
            new() { Key = "y"u8.ToArray(), Value = [1, 0, 0] },
        ];
        ByteRecords.ProduceAll(kafka.Options, scenario.Topics.Embedded, corrupt);
        var total = scenario.Events.Count + corrupt.Length;
        var counters = _counters;

        using (var stop = new CancellationTokenSource())
        {
            var run = Loop(scenario.Topics, UniqueNames.Next("drift"), NewProcessor(scenario.Topics)).RunAsync(stop.Token);
            await Eventually.TrueAsync(
                () => counters.Get("streamrec_events_consumed_total", "stage", DriftProcessor.Stage) >= total || run.IsCompleted,
                TimeSpan.FromSeconds(60),
                () => $"the drift stage to consume {total} records (consumed {counters.Get("streamrec_events_consumed_total", "stage", DriftProcessor.Stage)})");
            await stop.CancelAsync();
            await run;
        }

        var reference = Reference(scenario.Topics);
        await AssertStateEqualsReferenceAsync(scenario, reference);

        // One mutation per switching user, none for the steady ones, each explained by the switch made.
        var mutations = PublishedMutations(scenario.Topics);
        Assert.Equal(reference.MutationIds.Order(), mutations.Select(m => m.MutationId).Order());
        Assert.Equal(scenario.Switchers.Keys.Order(), mutations.Select(m => m.User).Order());
        foreach (var mutation in mutations)
        {
            var (from, to) = scenario.Switchers[mutation.User];
            Assert.True(to == mutation.Explanation.Gained[0].Category, $"{from} -> {to} explained as: {mutation.Explanation.Summary}");
            Assert.True(from == mutation.Explanation.Lost[0].Category, $"{from} -> {to} explained as: {mutation.Explanation.Summary}");
            var eventsBefore = scenario.Events.Where(e => e.User == mutation.User).TakeWhile(e => e.EventId != mutation.EventId).Count();
            Assert.InRange(eventsBefore, 80, 80 + 20); // flagged after the switch (event 80), within 20 events
        }

        var dead = ByteRecords.ReadToEnd(kafka.Options, scenario.Topics.DeadLetter, TimeSpan.FromSeconds(30));
        Assert.Equal(corrupt.Length, dead.Count);
        Assert.All(dead, d => Assert.Equal(DriftProcessor.InvalidEmbeddedEvent, DeadLetterHeaders.Read(d.Message.Headers, DeadLetterHeaders.Reason)));

        // Every consumed record is applied, skipped as a replay, or dead-lettered.
        var consumed = counters.Get("streamrec_events_consumed_total", "stage", DriftProcessor.Stage);
        Assert.Equal(total, consumed);
        Assert.Equal(scenario.Events.Count, counters.Total("streamrec_drift_events_applied_total"));
        Assert.Equal(consumed, counters.Total("streamrec_drift_events_applied_total") + counters.Total("streamrec_drift_events_replayed_total")
            + counters.Get("streamrec_events_dead_lettered_total", "stage", DriftProcessor.Stage));
        Assert.Equal(mutations.Count, counters.Total("streamrec_mutations_total"));
    }

    [Fact]
    public async Task Crashes_before_and_after_the_redis_write_leave_the_reference_state_and_no_mutation_lost_or_changed()
    {
        var scenario = await ArrangeAsync(eventsPerPhase: 60, seed: 22);
        var group = UniqueNames.Next("drift");
        var random = new Random(7);
        var crashes = new List<string>();

        // Five lives that die at a random batch completion, alternately before and after writing Redis
        // (the first leaves delivered mutations whose state is not stored; the second leaves stored state
        // whose offsets are not committed), then one that runs to the end.
        for (var life = 0; life < 5; life++)
        {
            var crashing = new CrashingProcessor(NewProcessor(scenario.Topics), crashAtCompletion: random.Next(2, 12), afterWrite: life % 2 == 1);
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var failure = await Assert.ThrowsAsync<SimulatedCrashException>(() => Loop(scenario.Topics, group, crashing).RunAsync(stop.Token));
            crashes.Add(failure.Message);
        }

        using (var stop = new CancellationTokenSource())
        {
            var run = Loop(scenario.Topics, group, NewProcessor(scenario.Topics)).RunAsync(stop.Token);
            await Eventually.TrueAsync(async () => run.IsCompleted || await AllAppliedAsync(scenario), TimeSpan.FromSeconds(90), "every event applied after the restarts");
            await stop.CancelAsync();
            await run;
        }

        var reference = Reference(scenario.Topics);
        await AssertStateEqualsReferenceAsync(scenario, reference);
        var mutations = PublishedMutations(scenario.Topics);
        Assert.Equal(reference.MutationIds.Order(), mutations.Select(m => m.MutationId).Distinct().Order());

        // A mutation published twice (a crash before its state was written) is the same record twice.
        foreach (var copies in mutations.GroupBy(m => m.MutationId).Where(g => g.Count() > 1))
        {
            Assert.Single(copies.Select(m => (m.User, m.Source, m.Score, m.Explanation.Summary, string.Join(",", m.Interest))).Distinct());
        }

        Assert.Equal(5, crashes.Count);
    }

    [Fact]
    public async Task Scaling_the_group_from_one_to_three_members_and_back_mid_stream_applies_every_event_exactly_once()
    {
        var scenario = await ArrangeAsync(eventsPerPhase: 60, seed: 23, produce: false);
        var group = UniqueNames.Next("drift-scale");
        var thirds = scenario.Events.Chunk((scenario.Events.Count + 2) / 3).ToList();
        var counters = _counters;
        long Consumed() => counters.Get("streamrec_events_consumed_total", "stage", DriftProcessor.Stage);

        using var stopFirst = new CancellationTokenSource();
        using var stopExtra = new CancellationTokenSource();
        var first = Loop(scenario.Topics, group, NewProcessor(scenario.Topics)).RunAsync(stopFirst.Token);
        ByteRecords.ProduceAll(kafka.Options, scenario.Topics.Embedded, thirds[0].Select(GenreWorld.Message));
        await Eventually.TrueAsync(() => Consumed() >= thirds[0].Length / 2 || first.IsCompleted, TimeSpan.FromSeconds(60), "the lone member to get going");

        // Two more members join while the stream goes on: each rebalance revokes partitions mid-stream.
        var extra = new[]
        {
            Loop(scenario.Topics, group, NewProcessor(scenario.Topics)).RunAsync(stopExtra.Token),
            Loop(scenario.Topics, group, NewProcessor(scenario.Topics)).RunAsync(stopExtra.Token),
        };
        ByteRecords.ProduceAll(kafka.Options, scenario.Topics.Embedded, thirds[1].Select(GenreWorld.Message));
        await Eventually.TrueAsync(() => Consumed() >= thirds[0].Length + (thirds[1].Length / 2) || first.IsCompleted || extra.Any(e => e.IsCompleted),
            TimeSpan.FromSeconds(60), "three members to share the stream");

        // ...and leave again, with the last third still to come.
        await stopExtra.CancelAsync();
        await Task.WhenAll(extra);
        ByteRecords.ProduceAll(kafka.Options, scenario.Topics.Embedded, thirds[2].Select(GenreWorld.Message));
        await Eventually.TrueAsync(async () => first.IsCompleted || await AllAppliedAsync(scenario), TimeSpan.FromSeconds(90), "every event applied after scaling back to one");
        await stopFirst.CancelAsync();
        await first;

        var reference = Reference(scenario.Topics);
        await AssertStateEqualsReferenceAsync(scenario, reference);
        Assert.Equal(scenario.Events.Count, counters.Total("streamrec_drift_events_applied_total")); // none lost, none applied twice
        Assert.Equal(reference.MutationIds.Order(), PublishedMutations(scenario.Topics).Select(m => m.MutationId).Distinct().Order());
    }

    /// <summary>Dies (throws) at the n-th batch completion, before or after the real state write.</summary>
    private sealed class CrashingProcessor(DriftProcessor inner, int crashAtCompletion, bool afterWrite) : IStatefulBatchProcessor
    {
        private int _completions;

        public string StageName => inner.StageName;

        public ValueTask<IReadOnlyList<OutgoingRecord>> ProcessAsync(IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> batch, CancellationToken cancellationToken) =>
            inner.ProcessAsync(batch, cancellationToken);

        public async Task CompleteBatchAsync()
        {
            if (++_completions == crashAtCompletion && !afterWrite)
            {
                throw new SimulatedCrashException($"crash at completion {_completions}, before the Redis write");
            }

            await inner.CompleteBatchAsync();
            if (_completions == crashAtCompletion)
            {
                throw new SimulatedCrashException($"crash at completion {_completions}, after the Redis write");
            }
        }

        public void PartitionsRevoked(IReadOnlyCollection<TopicPartition> partitions) => inner.PartitionsRevoked(partitions);

        public void PartitionsLost(IReadOnlyCollection<TopicPartition> partitions) => inner.PartitionsLost(partitions);
    }

    private sealed class SimulatedCrashException(string message) : Exception(message);
}
