using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using StreamRec.Cli.Hosting;
using StreamRec.Contracts;
using StreamRec.Embedder.Stage;
using StreamRec.IntegrationTests.DriftDetector;
using StreamRec.IntegrationTests.Embedding;
using StreamRec.IntegrationTests.Hosting;
using StreamRec.IntegrationTests.Infrastructure;
using StreamRec.Messaging;
using StreamRec.Messaging.Stages;
using StreamRec.Recommender.Billboard;
using StreamRec.Recommender.Privacy;
using StreamRec.Recommender.Stage;
using StreamRec.Storage;

namespace StreamRec.IntegrationTests.Recommender;

/// <summary>
/// The live billboard through the real embedded broker and a real redis-server: the contribution bound
/// holds across a restart (a second consumer of the same events counts nothing), an item only seen in
/// events never reaches a release, two replicas make one release per step, and the snapshot the
/// Recommender reads carries the guarantee and every public item in every cluster. Processing time is a
/// hand-moved clock (a 4 s window of 4 steps), and releases are asked for directly, per model, so that
/// no test's releases depend on another's.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class BillboardWorkerTests(KafkaFixture kafka, RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    /// <summary>L = 4, T = 4 (3 levels): node scale ceil(12 / 1.5) = 8 and exactly 1.5 spent per window.</summary>
    private static BillboardOptions Options() => new()
    {
        EpsilonPerWindow = 1.5, Window = TimeSpan.FromSeconds(4), ReleasesPerWindow = 4, MaxItemsPerUser = 4, Clusters = 3, MicroBatchSize = 256,
    };

    /// <summary>Mid-step 1 of a window, far from any boundary.</summary>
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000 + 500);

    private static readonly long WindowStart = 1_800_000_000_000;

    [Fact]
    public async Task A_user_with_ten_thousand_events_moves_at_most_L_counts_by_one_and_a_second_worker_on_the_same_events_counts_nothing()
    {
        var (world, prefix, topic) = await SetUpAsync("bb-bound");
        var heavy = prefix + "heavy";
        var items = world.Items;
        var events = Enumerable.Range(0, 10_000).Select(i => Event(world, heavy, i, items[(i * 7) % items.Count])).ToList();
        events.AddRange(Enumerable.Range(0, 3).Select(i => Event(world, prefix + "light", i, items[i])));
        ByteRecords.ProduceAll(kafka.Options, topic, events.Select(GenreWorld.Message));
        var options = Options();
        var store = new BillboardStore(redis.Connection.GetDatabase(), options);

        using var first = new CounterCapture();
        await CountAllAsync(topic, options, first, events.Count);
        var frame = (await store.ExistingFrameAsync(world.ModelVersion, WindowStart))!;
        var exact = await store.ExactCountsAsync(world.ModelVersion, WindowStart, frame);

        Assert.Equal(options.MaxItemsPerUser + 3, exact.Sum());
        Assert.All(exact, count => Assert.InRange(count, 0, 2)); // one from the heavy user, one from the light one at most
        Assert.Equal(options.MaxItemsPerUser + 3, first.Get("streamrec_billboard_events_total", "outcome", BillboardOutcomes.Counted));

        // A restarted (or second) worker reading the same events from the start: the users' records remember.
        using var second = new CounterCapture();
        await CountAllAsync(topic, options, second, events.Count);

        Assert.Equal(exact, await store.ExactCountsAsync(world.ModelVersion, WindowStart, frame));
        Assert.Equal(0, second.Get("streamrec_billboard_events_total", "outcome", BillboardOutcomes.Counted));
        Assert.Equal(events.Count, second.Get("streamrec_billboard_events_total", "outcome", BillboardOutcomes.Duplicate)
                                   + second.Get("streamrec_billboard_events_total", "outcome", BillboardOutcomes.Refused));
    }

    [Fact]
    public async Task Events_handed_over_as_objects_in_a_fused_chain_are_counted_as_their_records_are()
    {
        // A fused chain hands the billboard the Embedder's events without encoding them (no value at all).
        var (world, prefix, _) = await SetUpAsync("bb-handed");
        var events = Enumerable.Range(0, 12).Select(i => Event(world, prefix + "u" + (i % 4), i, world.Items[i])).ToList();
        var options = Options();
        var store = new BillboardStore(redis.Connection.GetDatabase(), options);
        using var counters = new CounterCapture();
        var processor = new BillboardProcessor(store, new BillboardWindows(options), new RecommenderMetrics(counters.Metrics), new ManualClock(Now), NullLogger.Instance);
        List<ConsumeResult<byte[]?, byte[]?>> handed = [.. events.Select((e, i) => new HandedOnRecord
        {
            Topic = prefix + "raw", Partition = 0, Offset = i, Message = new Message<byte[]?, byte[]?>(), Payload = e,
        })];

        Assert.True(((IBatchProcessor)processor).ReadsPayloads);
        await processor.ProcessAsync(handed, CancellationToken.None);
        await processor.ProcessAsync(handed, CancellationToken.None); // a replay counts nothing, as for records

        var frame = (await store.ExistingFrameAsync(world.ModelVersion, WindowStart))!;
        Assert.Equal(12, (await store.ExactCountsAsync(world.ModelVersion, WindowStart, frame)).Sum());
        Assert.Equal(12, counters.Get("streamrec_billboard_events_total", "outcome", BillboardOutcomes.Counted));
        Assert.Equal(0, counters.Get("streamrec_billboard_events_total", "outcome", BillboardOutcomes.Invalid));
    }

    [Fact]
    public async Task An_item_seen_only_in_events_is_never_counted_nor_released()
    {
        var (world, prefix, topic) = await SetUpAsync("bb-private");
        var secret = prefix + "known-only-from-events";
        var secretItem = world.Items[0] with { ItemId = secret };
        var events = Enumerable.Range(0, 20).Select(i => Event(world, prefix + "u" + i, 0, secretItem)).ToList();
        events.Add(Event(world, prefix + "u0", 1, world.Items[1]));
        ByteRecords.ProduceAll(kafka.Options, topic, events.Select(GenreWorld.Message));
        var options = Options();
        using var counters = new CounterCapture();
        await CountAllAsync(topic, options, counters, events.Count);

        var billboardTopic = UniqueNames.Next("bb-out");
        kafka.CreateTopic(billboardTopic, partitions: 1);
        using var producer = Producer();
        var snapshot = await Releaser(options, producer, billboardTopic, counters).ReleaseAsync(world.ModelVersion, WindowStart, 1);

        Assert.NotNull(snapshot);
        Assert.Equal(20, counters.Get("streamrec_billboard_events_total", "outcome", BillboardOutcomes.NotInCatalog));
        Assert.Equal(1, counters.Get("streamrec_billboard_events_total", "outcome", BillboardOutcomes.Counted));
        Assert.DoesNotContain(secret, snapshot.Items);
        Assert.DoesNotContain(secret, (await new BillboardSnapshotStore(redis.Connection.GetDatabase()).ReadAsync(world.ModelVersion))!.Items);
        var fields = await redis.Connection.GetDatabase().HashKeysAsync(BillboardKeys.Counts(world.ModelVersion, WindowStart));
        Assert.DoesNotContain(fields, f => ((string)f!).EndsWith(secret, StringComparison.Ordinal));
        var records = ReadRecords(billboardTopic);
        Assert.Equal(options.Clusters, records.Count);
        Assert.All(records, r => Assert.DoesNotContain(secret, r.Items));
    }

    [Fact]
    public async Task Two_replicas_releasing_the_same_step_make_one_release_and_share_the_node_noise()
    {
        var (world, prefix, topic) = await SetUpAsync("bb-replicas");
        var events = Enumerable.Range(0, 30).Select(i => Event(world, prefix + "u" + (i % 10), i, world.Items[i % world.Items.Count])).ToList();
        ByteRecords.ProduceAll(kafka.Options, topic, events.Select(GenreWorld.Message));
        var options = Options();
        using var counters = new CounterCapture();
        await CountAllAsync(topic, options, counters, events.Count);
        var billboardTopic = UniqueNames.Next("bb-out");
        kafka.CreateTopic(billboardTopic, partitions: 1);
        using var producer = Producer();
        var a = Releaser(options, producer, billboardTopic, counters);
        var b = Releaser(options, producer, billboardTopic, counters);

        for (var step = 1; step <= 2; step++)
        {
            var made = await Task.WhenAll(a.ReleaseAsync(world.ModelVersion, WindowStart, step), b.ReleaseAsync(world.ModelVersion, WindowStart, step));

            var release = Assert.Single(made, m => m is not null)!;
            var stored = (await new BillboardSnapshotStore(redis.Connection.GetDatabase()).ReadAsync(world.ModelVersion))!;
            Assert.Equal($"{WindowStart}-{step}", stored.Version);
            Assert.Equal(release.Counts, stored.Counts);
        }

        var records = ReadRecords(billboardTopic);
        Assert.Equal(2 * options.Clusters, records.Count);
        Assert.Equal(options.Clusters, records.Count(r => r.Version == $"{WindowStart}-1"));
        Assert.Equal(2, counters.Total("streamrec_billboard_releases_total"));

        // A node's noise is drawn once: another process asking for it gets the stored draw.
        var frame = (await new BillboardStore(redis.Connection.GetDatabase(), options).ExistingFrameAsync(world.ModelVersion, WindowStart))!;
        var scale = a.Accountant.NodeScale;
        var once = await new BillboardStore(redis.Connection.GetDatabase(), options).NodeNoiseAsync(world.ModelVersion, WindowStart, (0, 0), frame.Cells, scale, new CryptoRandomSource());
        var again = await new BillboardStore(redis.Connection.GetDatabase(), options).NodeNoiseAsync(world.ModelVersion, WindowStart, (0, 0), frame.Cells, scale, new CryptoRandomSource());
        Assert.Equal(once, again);
    }

    [Fact]
    public async Task The_snapshot_carries_the_guarantee_and_a_count_for_every_public_item_in_every_cluster()
    {
        var (world, prefix, topic) = await SetUpAsync("bb-snapshot");
        var events = Enumerable.Range(0, 12).Select(i => Event(world, prefix + "u" + (i % 4), i, world.Items[i])).ToList();
        ByteRecords.ProduceAll(kafka.Options, topic, events.Select(GenreWorld.Message));
        var options = Options();
        using var counters = new CounterCapture();
        await CountAllAsync(topic, options, counters, events.Count);

        var made = await Releaser(options, null, "unused", counters).ReleaseAsync(world.ModelVersion, WindowStart, 3);
        var snapshot = await new BillboardSnapshotStore(redis.Connection.GetDatabase()).ReadAsync(world.ModelVersion);

        Assert.NotNull(made);
        Assert.NotNull(snapshot);
        Assert.Equal(new BillboardGuarantee
        {
            Notion = "user-level pure DP per window", EpsilonPerWindow = 1.5, Delta = 0, WindowSeconds = 4, MaxItemsPerUser = 4, ReleasesPerWindow = 4,
            Levels = 3, NodeScale = 8, Mechanism = "binary-tree-discrete-laplace",
        }, snapshot.Guarantee);
        Assert.Equal((WindowStart, 3, WindowStart + 3_000), (snapshot.WindowStart, snapshot.Step, snapshot.ReleasedAt));
        Assert.Equal(world.Items.Select(i => i.ItemId).Order(StringComparer.Ordinal), snapshot.Items);
        Assert.Equal(options.Clusters, snapshot.Centroids.Length);
        Assert.All(snapshot.Centroids, c => Assert.Equal(GenreWorld.Dimension, c.Length));
        Assert.Equal(options.Clusters, snapshot.Counts.Length);
        Assert.All(snapshot.Counts, row => Assert.Equal(world.Items.Count, row.Length));
        Assert.All(snapshot.Counts.SelectMany(row => row), count => Assert.True(count >= 0));
    }

    [Fact]
    public async Task A_missed_final_step_is_released_late_and_the_next_windows_snapshots_add_it_to_their_own_release()
    {
        var (world, prefix, topic) = await SetUpAsync("bb-late");
        var events = Enumerable.Range(0, 16).Select(i => Event(world, prefix + "u" + (i % 4), i, world.Items[i])).ToList();
        ByteRecords.ProduceAll(kafka.Options, topic, events.Select(GenreWorld.Message));
        var options = Options();
        using var counters = new CounterCapture();
        const long Window = 1_900_000_000_000;
        await CountAllAsync(topic, options, counters, events.Count, DateTimeOffset.FromUnixTimeMilliseconds(Window + 500));
        var releaser = Releaser(options, null, "unused", counters);

        // Nothing ran from step 1 of the window until step 2 of the next one.
        var made = await releaser.ReleaseDueAsync(Window + 4_000 + 2_500);

        var final = Assert.Single(made, m => m.ModelVersion == world.ModelVersion && m.Version == $"{Window}-4");
        var next = Assert.Single(made, m => m.ModelVersion == world.ModelVersion && m.Version == $"{Window + 4_000}-2");
        Assert.Equal(next.Version, (await new BillboardSnapshotStore(redis.Connection.GetDatabase()).ReadVersionAsync(world.ModelVersion)));
        Assert.Empty(await releaser.ReleaseDueAsync(Window + 4_000 + 2_900)); // the same step again: nothing

        // The new window counted nothing, so its release at step 2 is its one node's stored noise, clamped, added to the final one.
        var store = new BillboardStore(redis.Connection.GetDatabase(), options);
        var frame = (await store.ExistingFrameAsync(world.ModelVersion, Window + 4_000))!;
        var noise = await store.NodeNoiseAsync(world.ModelVersion, Window + 4_000, (1, 0), frame.Cells, releaser.Accountant.NodeScale, new CryptoRandomSource());
        for (var c = 0; c < frame.Clusters; c++)
        {
            for (var i = 0; i < frame.Items.Length; i++)
            {
                Assert.Equal(final.Counts[c][i] + Math.Max(0, noise[(c * frame.Items.Length) + i]), next.Counts[c][i]);
            }
        }
    }

    [Fact]
    public async Task The_recommend_stage_host_counts_and_releases_the_billboard_on_its_own_clock()
    {
        var prefix = UniqueNames.Next("bb-host") + "-";
        var world = new GenreWorld(prefix, seed: 17, itemsPerGenre: 4);
        await world.WriteCatalogAsync(redis.Connection.GetDatabase());
        await using var worker = InProcessWorker.Build(StageSelection.Parse("recommend"), kafka.Options, topic => kafka.CreateTopic(topic, partitions: 2), prefix,
            redis.Server.ConnectionString, new Dictionary<string, string?>
            {
                ["Recommender:GroupId"] = prefix + "recommend",
                ["Recommender:Billboard:Window"] = "00:00:02", ["Recommender:Billboard:ReleasesPerWindow"] = "4",
                ["Recommender:Billboard:MaxItemsPerUser"] = "4", ["Recommender:Billboard:EpsilonPerWindow"] = "1.5", ["Recommender:Billboard:Clusters"] = "3",
            });
        var events = Enumerable.Range(0, 40).Select(i => Event(world, prefix + "u" + (i % 5), i, world.Items[i % world.Items.Count])).ToList();
        ByteRecords.ProduceAll(kafka.Options, worker.Topics.Embedded, events.Select(GenreWorld.Message));
        using var counters = new CounterCapture(worker.Metrics);
        await worker.StartAsync();

        var snapshots = new BillboardSnapshotStore(redis.Connection.GetDatabase());
        await Eventually.TrueAsync(
            async () => counters.Total("streamrec_billboard_events_total") >= events.Count && counters.Total("streamrec_billboard_releases_total") >= 2
                        && await snapshots.ReadVersionAsync(world.ModelVersion) is not null,
            TimeSpan.FromSeconds(60), () => $"events counted ({counters.Total("streamrec_billboard_events_total")} of {events.Count}) and two releases ({counters.Total("streamrec_billboard_releases_total")})");

        var snapshot = (await snapshots.ReadAsync(world.ModelVersion))!;
        Assert.Equal(4, snapshot.Guarantee.MaxItemsPerUser);
        Assert.Equal(world.Items.Count, snapshot.Items.Length);
        // L = 4 items for each of the 5 users, per window: a window boundary may fall between two batches.
        Assert.InRange(counters.Get("streamrec_billboard_events_total", "outcome", BillboardOutcomes.Counted), 5 * 4, 2 * 5 * 4);
        Assert.NotEmpty(ByteRecords.ReadToEnd(kafka.Options, worker.Topics.Billboard, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_users_cluster_is_the_one_nearest_their_stored_long_horizon_interest_and_stays_for_the_window()
    {
        var (world, prefix, topic) = await SetUpAsync("bb-cluster");
        var options = Options();
        var db = redis.Connection.GetDatabase();
        var frame = (await new BillboardStore(db, options).FrameAsync(world.ModelVersion, WindowStart))!;
        var item = world.Items[0];
        var itemCluster = BillboardClustering.Nearest(frame.Centroids, item.Embedding.Span);
        var interest = (itemCluster + 1) % frame.Clusters;
        var (withState, withoutState) = (prefix + "with-state", prefix + "without-state");
        await db.StringSetAsync(DriftStateKeys.User(withState), DriftState(world.ModelVersion, frame.Centroids[interest]));
        ByteRecords.ProduceAll(kafka.Options, topic, new[] { Event(world, withState, 0, item), Event(world, withoutState, 0, item) }.Select(GenreWorld.Message));
        using (var counters = new CounterCapture())
        {
            await CountAllAsync(topic, options, counters, 2);
        }

        // The interest moves on within the window: the user's cluster does not.
        await db.StringSetAsync(DriftStateKeys.User(withState), DriftState(world.ModelVersion, frame.Centroids[itemCluster]));
        ByteRecords.ProduceAll(kafka.Options, topic, [GenreWorld.Message(Event(world, withState, 1, world.Items[1]))]);
        using (var counters = new CounterCapture())
        {
            await CountAllAsync(topic, options, counters, 3);
        }

        Assert.Equal(interest, (int)await db.HashGetAsync(BillboardKeys.User(world.ModelVersion, WindowStart, withState), "cluster"));
        Assert.Equal(itemCluster, (int)await db.HashGetAsync(BillboardKeys.User(world.ModelVersion, WindowStart, withoutState), "cluster"));
        var counts = await db.HashGetAllAsync(BillboardKeys.Counts(world.ModelVersion, WindowStart));
        Assert.Equal(
            new[] { $"{interest}:{item.ItemId}", $"{interest}:{world.Items[1].ItemId}", $"{itemCluster}:{item.ItemId}" }.Order(StringComparer.Ordinal),
            counts.Select(c => (string)c.Name!).Order(StringComparer.Ordinal));
        Assert.All(counts, c => Assert.Equal(1, (long)c.Value));
    }

    /// <summary>A stored drift state whose long-horizon vector is <paramref name="longVector"/>, as the DriftDetector writes it.</summary>
    private static byte[] DriftState(string model, float[] longVector)
    {
        var state = new UserDriftState(longVector.Length) { Events = 50 };
        longVector.CopyTo(state.Long, 0);
        return DriftStateRecord.Write(0, 49, model, UserDriftStateCodec.Write(state));
    }

    private async Task<(GenreWorld World, string Prefix, string Topic)> SetUpAsync(string name)
    {
        var prefix = UniqueNames.Next(name) + "-";
        var world = new GenreWorld(prefix, seed: 17, itemsPerGenre: 4);
        await world.WriteCatalogAsync(redis.Connection.GetDatabase());
        var topic = prefix + "embedded";
        kafka.CreateTopic(topic, partitions: 2);
        return (world, prefix, topic);
    }

    private static EmbeddedEvent Event(GenreWorld world, string user, int i, CatalogItem item) => new()
    {
        EventId = $"{user}-ev-{i}",
        User = user,
        ItemId = item.ItemId,
        Ts = 1_700_000_000_000 + i,
        Weight = 1f,
        ModelVersion = world.ModelVersion,
        Embedding = item.Embedding,
    };

    /// <summary>Runs a billboard counting loop (a fresh consumer group: from the topic's start) until it consumed <paramref name="expected"/> records.</summary>
    private async Task CountAllAsync(string topic, BillboardOptions options, CounterCapture counters, int expected, DateTimeOffset? now = null)
    {
        var store = new BillboardStore(redis.Connection.GetDatabase(), options);
        var processor = new BillboardProcessor(store, new BillboardWindows(options), new RecommenderMetrics(counters.Metrics), new ManualClock(now ?? Now), NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var loop = new StageLoop(kafka.Options, new StageLoopOptions { InputTopic = topic, GroupId = UniqueNames.Next("billboard"), MaxBatchSize = options.MicroBatchSize },
            processor, counters.Metrics, counters.Consumers, NullLogger.Instance).RunAsync(stop.Token);
        await Eventually.TrueAsync(() => counters.Get("streamrec_events_consumed_total", "stage", BillboardProcessor.Stage) >= expected || loop.IsCompleted,
            TimeSpan.FromSeconds(90), () => $"{expected} events counted (consumed {counters.Get("streamrec_events_consumed_total", "stage", BillboardProcessor.Stage)})");
        await stop.CancelAsync();
        await loop;
    }

    private BillboardReleaser Releaser(BillboardOptions options, IProducer<byte[]?, byte[]?>? producer, string topic, CounterCapture counters) =>
        new(new BillboardStore(redis.Connection.GetDatabase(), options), options, producer, topic, new CryptoRandomSource(), new RecommenderMetrics(counters.Metrics), NullLogger.Instance);

    private IProducer<byte[]?, byte[]?> Producer() => new ProducerBuilder<byte[]?, byte[]?>(KafkaClientConfigs.Producer(kafka.Options)).Build();

    private List<BillboardRecord> ReadRecords(string topic) =>
        [.. ByteRecords.ReadToEnd(kafka.Options, topic, TimeSpan.FromSeconds(30)).Select(r => JsonSerializer.Deserialize(r.Message.Value, ContractsJsonContext.Default.BillboardRecord)!)];
}
