using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using StreamRec.Contracts;
using StreamRec.DriftDetector.Detection;
using StreamRec.DriftDetector.Stage;
using StreamRec.DriftDetector.State;
using StreamRec.IntegrationTests.Infrastructure;
using StreamRec.Messaging;
using StreamRec.Messaging.Stages;
using StreamRec.Storage;
using StreamRec.TestSupport;

namespace StreamRec.IntegrationTests.DriftDetector;

/// <summary>
/// The drift stage's processor against a real redis-server, driven the way the stage loop drives it
/// (process, then complete once the outputs are delivered), including the crashes the loop can meet.
/// </summary>
public sealed class DriftProcessorTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly TestTelemetry _telemetry = new();

    private const string Topic = "embedded";

    private static readonly DriftDetectorOptions Options = new();

    private readonly TopicNames _topics = new() { Mutations = "mutations", DeadLetter = "dlq" };

    private DriftProcessor NewProcessor(DriftDetectorOptions? options = null) => new(
        options ?? Options,
        new DriftStateStore(redis.Connection.GetDatabase(), (options ?? Options).StateTimeToLive),
        new ItemCatalogReader(redis.Connection.GetDatabase()),
        _topics,
        new DriftMetrics(_telemetry.Metrics),
        TimeProvider.System,
        NullLogger.Instance);

    public void Dispose() => _telemetry.Dispose();

    private DriftStateStore Store => new(redis.Connection.GetDatabase(), Options.StateTimeToLive);

    /// <summary>One user, 60 comedy events then 60 horror events, on partition 2 from offset 100.</summary>
    private static List<(int Partition, long Offset, EmbeddedEvent Event)> Switcher(GenreWorld world, string user) =>
        [.. world.Events(user, 60, 0, "Comedy").Concat(world.Events(user, 60, 60, "Horror")).Select((e, i) => (2, 100L + i, e))];

    private static List<ConsumeResult<byte[]?, byte[]?>> Records(IEnumerable<(int Partition, long Offset, EmbeddedEvent Event)> events) =>
        [.. events.Select(x => GenreWorld.Record(Topic, x.Partition, x.Offset, x.Event))];

    private static List<MutationRecord> Mutations(IEnumerable<OutgoingRecord> outputs) =>
        [.. outputs.Where(o => o.Topic == "mutations").Select(o => JsonSerializer.Deserialize(o.Message.Value, ContractsJsonContext.Default.MutationRecord)!)];

    /// <summary>Runs the batches through one processor as the loop does: process each, then complete each.</summary>
    private static async Task<List<OutgoingRecord>> RunAsync(DriftProcessor processor, params List<ConsumeResult<byte[]?, byte[]?>>[] batches)
    {
        var outputs = new List<OutgoingRecord>();
        foreach (var batch in batches)
        {
            outputs.AddRange(await processor.ProcessAsync(batch, CancellationToken.None));
            await processor.CompleteBatchAsync();
        }

        return outputs;
    }

    /// <summary>
    /// A fused chain hands the DriftDetector each event at its raw-topic position. After a deployment
    /// moves from split to fused, a user's stored position is on the embedded topic, usually at a higher
    /// offset of the same partition number: the raw-topic events must be applied and written, not taken
    /// for replays (nor refused by the store's write check), and a replay of the raw batch must still be
    /// recognised.
    /// </summary>
    [Fact]
    public async Task Raw_topic_positions_never_compare_with_embedded_topic_positions_and_raw_replays_are_still_skipped()
    {
        var prefix = UniqueNames.Next("dp-topology") + "-";
        var world = new GenreWorld(prefix, seed: 5);
        await world.WriteCatalogAsync(redis.Connection.GetDatabase());
        var user = prefix + "user";
        var events = world.Events(user, 40, 0, "Comedy");
        // Split: the first 20 events on the embedded topic, partition 0, offsets 1000-1019.
        await RunAsync(NewProcessor(), Records(events[..20].Select((e, i) => (0, 1000L + i, e))));
        Assert.Equal((0, 1019L), await PositionAsync(user));

        // Fused (a new process: nothing cached): the next 20 at their raw positions, partition 0, offsets 5-24.
        var raw = events[20..].Select((e, i) => GenreWorld.Record(_topics.Raw, 0, 5L + i, e)).ToList();
        var fused = NewProcessor();
        await RunAsync(fused, raw);
        var stored = await Store.LoadAsync(user);
        Assert.Equal(40, stored!.State.Events);
        Assert.Equal((DriftProcessor.RawPositionPartition(0), 24L), (stored.Partition, stored.Offset));
        Assert.Equal(0, fused.PositionPartition(new TopicPartition("embedded", 0)));

        // The same raw batch again, in a process that has just started (a crash before the offsets were committed).
        await RunAsync(NewProcessor(), raw);
        Assert.Equal(40, (await Store.LoadAsync(user))!.State.Events);
        DriftReference.AssertSame(new DriftReference(Options.Detection, events.Select((e, i) => (0, (long)i, e))).States[user], (await Store.LoadAsync(user))!.State, user);
    }

    private async Task<(int Partition, long Offset)> PositionAsync(string user) =>
        (await Store.LoadAsync(user)) is { } s ? (s.Partition, s.Offset) : (-1, -1);

    [Fact]
    public async Task Stored_state_equals_the_reference_and_a_switch_yields_one_explained_mutation()
    {
        var prefix = UniqueNames.Next("dp") + "-";
        var world = new GenreWorld(prefix, seed: 1);
        await world.WriteCatalogAsync(redis.Connection.GetDatabase());
        var user = prefix + "user";
        var events = Switcher(world, user);
        var records = Records(events);

        var outputs = await RunAsync(NewProcessor(), records[..50], records[50..], []);

        var reference = new DriftReference(Options.Detection, events);
        var stored = await Store.LoadAsync(user);
        Assert.NotNull(stored);
        DriftReference.AssertSame(reference.States[user], stored.State, user);
        Assert.Equal((2, 219L, world.ModelVersion), (stored.Partition, stored.Offset, stored.ModelVersion));

        var mutation = Assert.Single(Mutations(outputs));
        Assert.Equal(reference.MutationIds.Single(), mutation.MutationId);
        Assert.Equal(user, mutation.User);
        Assert.InRange(mutation.Source.Offset, 160, 160 + 20); // after the switch at offset 160, within 20 events
        Assert.Equal((Topic, 2), (mutation.Source.Topic, mutation.Source.Partition));
        Assert.True(mutation.Score > mutation.Threshold);
        Assert.Equal(world.ModelVersion, mutation.ModelVersion);
        Assert.Equal(GenreWorld.Dimension, mutation.Interest.Length);
        Assert.InRange(Math.Sqrt(mutation.Interest.Sum(x => (double)x * x)), 0.999, 1.001);
        Assert.Equal("Horror", mutation.Explanation.Gained[0].Category);
        Assert.Equal("Comedy", mutation.Explanation.Lost[0].Category);
        Assert.NotEmpty(mutation.Explanation.ExamplesAfter);
        Assert.All(mutation.Explanation.ExamplesAfter, e => Assert.StartsWith("Horror film", e.Title, StringComparison.Ordinal));
        Assert.All(mutation.Explanation.ExamplesBefore, e => Assert.StartsWith("Comedy film", e.Title, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Restart_after_a_crash_between_the_redis_write_and_the_offset_commit_applies_nothing_twice_and_loses_nothing()
    {
        var prefix = UniqueNames.Next("dp") + "-";
        var world = new GenreWorld(prefix, seed: 2);
        await world.WriteCatalogAsync(redis.Connection.GetDatabase());
        var user = prefix + "user";
        var events = Switcher(world, user);
        var records = Records(events);

        // First life: everything up to offset 189 is processed, delivered and written to Redis, then the
        // process dies before its offsets are committed. The mutation (near offset 160) was delivered.
        var firstOutputs = await RunAsync(NewProcessor(), records[..90]);
        Assert.Single(Mutations(firstOutputs));

        // Second life: the consumer restarts from the last committed offset (say 130) and sees 130..219 again.
        var secondOutputs = await RunAsync(NewProcessor(), records[30..]);

        Assert.Empty(Mutations(secondOutputs)); // the replayed part was applied and its mutation delivered before
        var reference = new DriftReference(Options.Detection, events);
        var stored = await Store.LoadAsync(user);
        DriftReference.AssertSame(reference.States[user], stored!.State, user);
        Assert.Equal(events.Count, stored.State.Events);
    }

    [Fact]
    public async Task Restart_after_a_crash_before_the_redis_write_publishes_the_same_mutation_again_under_the_same_id()
    {
        var prefix = UniqueNames.Next("dp") + "-";
        var world = new GenreWorld(prefix, seed: 3);
        await world.WriteCatalogAsync(redis.Connection.GetDatabase());
        var user = prefix + "user";
        var events = Switcher(world, user);
        var records = Records(events);

        // First life: the first 50 are written; the next batch (with the switch) is processed and its
        // mutation delivered, but the process dies before writing the state.
        var first = NewProcessor();
        await RunAsync(first, records[..50]);
        var delivered = Mutations(await first.ProcessAsync(records[50..], CancellationToken.None));

        // Second life: from the committed offset, with the state Redis holds.
        var replayed = Mutations(await RunAsync(NewProcessor(), records[50..]));

        Assert.Equal(Assert.Single(delivered).MutationId, Assert.Single(replayed).MutationId);
        Assert.Equal(delivered[0].Interest, replayed[0].Interest);
        var reference = new DriftReference(Options.Detection, events);
        DriftReference.AssertSame(reference.States[user], (await Store.LoadAsync(user))!.State, user);
    }

    [Fact]
    public async Task Copies_of_events_an_upstream_replay_made_at_new_offsets_are_skipped_by_their_origin_and_name_the_same_mutation()
    {
        var prefix = UniqueNames.Next("dp") + "-";
        var world = new GenreWorld(prefix, seed: 4);
        await world.WriteCatalogAsync(redis.Connection.GetDatabase());
        var user = prefix + "user";
        // Ingest read the events at raw partition 5, offsets 1000.., and they reached the embedded topic at 100...
        var events = Switcher(world, user).Select(x => (x.Partition, x.Offset, Event: x.Event with { Origin = new EventOrigin(5, 900 + x.Offset) })).ToList();

        // An upstream stage crashed after producing events 0..79 and replayed from event 40: the embedded
        // topic holds 0..79, then copies of 40..79 and the rest (40..119) at offsets after 79.
        var withCopies = events[..80].Concat(events[40..].Select((x, i) => (x.Partition, 180L + i, x.Event))).ToList();
        var records = Records(withCopies);
        var outputs = await RunAsync(NewProcessor(), records[..60], records[60..100], records[100..]);

        var reference = new DriftReference(Options.Detection, events);
        var stored = await Store.LoadAsync(user);
        DriftReference.AssertSame(reference.States[user], stored!.State, user);
        Assert.Equal(events.Count, stored.State.Events);
        Assert.Equal(new EventOrigin(5, 900 + 219), stored.Origin);
        var mutation = Assert.Single(Mutations(outputs));

        var trigger = events.Single(x => x.Event.EventId == mutation.EventId);
        Assert.Equal(DriftProcessor.OriginMutationId(user, trigger.Event.Origin!), mutation.MutationId);

        // The uninterrupted stream (no copies) names that mutation the same way.
        await Store.DeleteAsync(user);
        var uninterrupted = Mutations(await RunAsync(NewProcessor(), Records(events)));
        Assert.Equal(mutation.MutationId, Assert.Single(uninterrupted).MutationId);
    }

    [Fact]
    public async Task Revoked_partitions_drop_the_cache_so_the_next_batch_reads_redis()
    {
        var prefix = UniqueNames.Next("dp") + "-";
        var world = new GenreWorld(prefix, seed: 4);
        var user = prefix + "user";
        var events = world.Events(user, 12, 0, "Drama").Select((e, i) => (Partition: 5, Offset: (long)i, Event: e)).ToList();
        var records = Records(events);
        var processor = NewProcessor();
        await RunAsync(processor, records[..5]);
        Assert.Equal(1, processor.CachedUsers);

        // Another writer's state appears in Redis (as after the partition moved away and back): only a
        // processor that dropped its cache sees it.
        var planted = UserDriftState.New(GenreWorld.Dimension, Options.Detection);
        planted.Events = 1000;
        await Store.ApplyAsync(user, 5, 5, planted, world.ModelVersion);

        await RunAsync(processor, records[6..8]);
        Assert.Equal(7, (await Store.LoadAsync(user))!.State.Events); // cached: the planted state was not read (and is overwritten)

        await Store.ApplyAsync(user, 5, 8, planted, world.ModelVersion);
        processor.PartitionsRevoked([new TopicPartition(Topic, 5)]);
        Assert.Equal(0, processor.CachedUsers);
        await RunAsync(processor, records[9..11]);

        Assert.Equal(1002, (await Store.LoadAsync(user))!.State.Events);
    }

    [Fact]
    public async Task Lost_partitions_abandon_unwritten_batches_and_the_cache()
    {
        var prefix = UniqueNames.Next("dp") + "-";
        var world = new GenreWorld(prefix, seed: 5);
        var user = prefix + "user";
        var records = Records(world.Events(user, 10, 0, "Western").Select((e, i) => (0, (long)i, e)));
        var processor = NewProcessor();
        await processor.ProcessAsync(records, CancellationToken.None);
        Assert.Equal(1, processor.PendingBatches);

        processor.PartitionsLost([new TopicPartition(Topic, 0)]);

        Assert.Equal((0, 0), (processor.PendingBatches, processor.CachedUsers));
        Assert.Null(await Store.LoadAsync(user));
        await Assert.ThrowsAsync<InvalidOperationException>(processor.CompleteBatchAsync);
    }

    [Fact]
    public async Task State_in_redis_is_one_value_per_user_with_the_configured_ttl()
    {
        var prefix = UniqueNames.Next("dp") + "-";
        var world = new GenreWorld(prefix, seed: 6);
        var user = prefix + "0123456789abcdef";
        // No recent items: they are a second key (tested below), kept for the Recommender.
        var options = new DriftDetectorOptions { StateTimeToLive = TimeSpan.FromHours(3), RecentItems = 0 };
        await RunAsync(NewProcessor(options), Records(world.Events(user, 3, 0, "Drama").Select((e, i) => (1, (long)i, e))));

        var db = redis.Connection.GetDatabase();
        var ttl = await db.KeyTimeToLiveAsync(DriftStateStore.Key(user));
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromHours(3) - TimeSpan.FromMinutes(1), TimeSpan.FromHours(3));
        Assert.Equal(StackExchange.Redis.RedisType.String, await db.KeyTypeAsync(DriftStateStore.Key(user)));
        var stored = DriftStateRecord.Read((byte[])(await db.StringGetAsync(DriftStateStore.Key(user)))!);
        Assert.Equal((1, 2L, world.ModelVersion, 3L), (stored.Partition, stored.Offset, stored.ModelVersion, stored.State.Events));
        // SCAN, not KEYS: the client sends KEYS only on an admin connection.
        var keys = new List<StackExchange.Redis.RedisKey>();
        await foreach (var key in redis.Connection.GetServer(redis.Connection.GetEndPoints()[0]).KeysAsync(pattern: $"*{user}*"))
        {
            keys.Add(key);
        }

        Assert.Single(keys);
    }

    [Fact]
    public async Task A_new_encoder_model_starts_the_users_state_afresh()
    {
        var prefix = UniqueNames.Next("dp") + "-";
        var world = new GenreWorld(prefix, seed: 7);
        var user = prefix + "user";
        var processor = NewProcessor();
        await RunAsync(processor, Records(world.Events(user, 30, 0, "Comedy").Select((e, i) => (0, (long)i, e))));

        var newModel = world.Events(user, 4, 30, "Horror").Select(e => e with { ModelVersion = "another-model", Embedding = e.Embedding[..8] });
        await RunAsync(processor, Records(newModel.Select((e, i) => (0, 30L + i, e))));

        var stored = await Store.LoadAsync(user);
        Assert.Equal((4L, "another-model", 8), (stored!.State.Events, stored.ModelVersion, stored.State.Short.Length));
    }

    [Fact]
    public async Task An_unreadable_record_goes_to_the_dead_letter_topic_and_the_rest_of_the_batch_is_applied()
    {
        var prefix = UniqueNames.Next("dp") + "-";
        var world = new GenreWorld(prefix, seed: 8);
        var user = prefix + "user";
        var good = world.Events(user, 4, 0, "Drama");
        var batch = new List<ConsumeResult<byte[]?, byte[]?>>
        {
            GenreWorld.Record(Topic, 0, 0, good[0]),
            GenreWorld.Record(Topic, 0, 1, new Message<byte[]?, byte[]?> { Key = "k"u8.ToArray(), Value = [1, 0, 5] }),
            GenreWorld.Record(Topic, 0, 2, good[1]),
            GenreWorld.Record(Topic, 0, 3, new Message<byte[]?, byte[]?> { Key = null, Value = null }),
            GenreWorld.Record(Topic, 0, 4, good[2]),
        };

        var outputs = await RunAsync(NewProcessor(), batch);

        var dead = outputs.Where(o => o.Topic == "dlq").ToList();
        Assert.Equal(2, dead.Count);
        Assert.All(dead, d => Assert.Equal(DriftProcessor.InvalidEmbeddedEvent, DeadLetterHeaders.Read(d.Message.Headers, DeadLetterHeaders.Reason)));
        Assert.Equal(["1", "3"], dead.Select(d => DeadLetterHeaders.Read(d.Message.Headers, DeadLetterHeaders.SourceOffset)));
        Assert.Equal([1, 0, 5], dead[0].Message.Value);
        Assert.Equal(3, (await Store.LoadAsync(user))!.State.Events);
    }

    [Fact]
    public async Task Recent_items_are_kept_when_configured_newest_first_and_a_replay_changes_nothing()
    {
        var prefix = UniqueNames.Next("dp") + "-";
        var world = new GenreWorld(prefix, seed: 9);
        var user = prefix + "user";
        var events = world.Events(user, 12, 0, "Comedy").Select((e, i) => (Partition: 3, Offset: (long)i, Event: e)).ToList();
        var records = Records(events);
        var options = new DriftDetectorOptions { RecentItems = 4 };
        await RunAsync(NewProcessor(options), records[..7], records[7..]);
        var store = Store;

        var expected = events.OrderByDescending(e => e.Offset).Select(e => e.Event.ItemId).Distinct().Take(4).ToArray();
        Assert.Equal(expected, await store.RecentItemsAsync(user));

        await RunAsync(NewProcessor(options), records[2..]); // a replay from an earlier committed offset
        Assert.Equal(expected, await store.RecentItemsAsync(user));
        var ttl = await redis.Connection.GetDatabase().KeyTimeToLiveAsync(DriftStateStore.RecentItemsKey(user));
        Assert.NotNull(ttl);

        Assert.Equal(2, await store.DeleteAsync(user));
        Assert.Empty(await store.RecentItemsAsync(user));
        Assert.Empty(await Store.RecentItemsAsync(prefix + "nobody"));
    }

    [Fact]
    public async Task Recent_items_are_kept_by_default_for_joint_lists_and_none_when_set_to_zero()
    {
        var prefix = UniqueNames.Next("dp") + "-";
        var world = new GenreWorld(prefix, seed: 10);
        var (kept, none) = (prefix + "kept", prefix + "none");
        var keptEvents = world.Events(kept, 5, 0, "Drama");
        await RunAsync(NewProcessor(), Records(keptEvents.Select((e, i) => (0, (long)i, e))));
        await RunAsync(NewProcessor(new DriftDetectorOptions { RecentItems = 0 }), Records(world.Events(none, 5, 0, "Drama").Select((e, i) => (0, (long)i, e))));

        Assert.Equal(
            keptEvents.Select(e => e.ItemId).Distinct().Order(StringComparer.Ordinal),
            (await Store.RecentItemsAsync(kept)).Order(StringComparer.Ordinal));
        Assert.False(await redis.Connection.GetDatabase().KeyExistsAsync(DriftStateStore.RecentItemsKey(none)));
    }

    [Fact]
    public async Task An_embedding_longer_than_one_is_clipped_and_a_weight_outside_the_contract_is_dead_lettered()
    {
        var prefix = UniqueNames.Next("dp") + "-";
        var world = new GenreWorld(prefix, seed: 11);
        var user = prefix + "user";
        var events = world.Events(user, 3, 0, "Drama");
        var longer = events[1] with { Embedding = events[1].Embedding.ToArray().Select(x => x * 5).ToArray() };
        var heavy = events[2] with { Weight = 3f };

        var outputs = await RunAsync(NewProcessor(), Records([(0, 0L, events[0]), (0, 1L, longer), (0, 2L, heavy)]));

        // The reference applies the unit vector in place of the long one: the same state, up to the
        // rounding of dividing 5e by its length.
        var expected = new DriftReference(Options.Detection, [(0, 0L, events[0]), (0, 1L, events[1])]).States[user];
        var actual = (await Store.LoadAsync(user))!.State;
        Assert.Equal(expected.Events, actual.Events);
        Assert.All(expected.Short.Zip(actual.Short), p => Assert.True(Math.Abs(p.First - p.Second) < 1e-6, $"{p.First} vs {p.Second}"));
        Assert.All(expected.Long.Zip(actual.Long), p => Assert.True(Math.Abs(p.First - p.Second) < 1e-6, $"{p.First} vs {p.Second}"));
        var dead = Assert.Single(outputs);
        Assert.Equal("weight is not in (0, 1]", DeadLetterHeaders.Read(dead.Message.Headers, DeadLetterHeaders.Detail));
    }
}
