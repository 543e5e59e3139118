using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using StreamRec.DriftDetector.Detection;
using StreamRec.DriftDetector.State;
using StreamRec.Ingest;
using StreamRec.IntegrationTests.DriftDetector;
using StreamRec.IntegrationTests.Infrastructure;
using StreamRec.IntegrationTests.Recommender;
using StreamRec.Recommender.Billboard;
using StreamRec.Recommender.Catalog;
using StreamRec.Recommender.Ledger;
using StreamRec.Recommender.Privacy;
using StreamRec.Recommender.Stage;
using StreamRec.Storage;

namespace StreamRec.IntegrationTests.Redis;

/// <summary>
/// Every Redis store of StreamRec on a real three-master Redis Cluster: each user's keys share one slot
/// (so no script or multi-key command crosses slots; the cluster would answer CROSSSLOT), users spread
/// over every master, and the stores, the catalog and schedule mode's scan work for users on any master.
/// </summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterStoreTests(RedisClusterFixture redis)
{
    private IDatabase Db => redis.Connection.GetDatabase();

    [Fact]
    public async Task A_users_keys_share_one_slot_a_billboard_windows_keys_share_one_and_users_spread_over_every_master()
    {
        var users = Users("slots", 24);
        var masters = new HashSet<int>();
        foreach (var user in users)
        {
            var slot = await redis.Cluster.KeySlotAsync(DriftStateKeys.User(user));
            foreach (var key in new[] { DriftStateKeys.RecentItems(user), (string)PrivacyLedger.Key(user)!, (string)JointReleaseStore.Key(user)! })
            {
                Assert.Equal(slot, await redis.Cluster.KeySlotAsync(key));
            }

            masters.Add((await redis.Cluster.MasterOfAsync(slot)).Port);
        }

        Assert.Equal(3, masters.Count);
        var window = await redis.Cluster.KeySlotAsync(BillboardKeys.Counts("m1", 1_800_000_000_000));
        foreach (var key in new[]
                 {
                     BillboardKeys.Frame("m1", 1_800_000_000_000), BillboardKeys.User("m1", 1_800_000_000_000, users[0]),
                     BillboardKeys.Noise("m1", 1_800_000_000_000, 2, 1), BillboardKeys.Lock("m1", 1_800_000_000_000, 3),
                     BillboardKeys.Release("m1", 1_800_000_000_000), BillboardKeys.ReleaseStep("m1", 1_800_000_000_000),
                 })
        {
            Assert.Equal(window, await redis.Cluster.KeySlotAsync(key));
        }
    }

    [Fact]
    public async Task Drift_state_and_recent_items_are_written_replayed_read_and_erased_for_users_on_every_master()
    {
        var users = Users("drift", 24);
        var store = new DriftStateStore(Db, TimeSpan.FromHours(1));
        var parameters = new DriftParameters();
        var writes = users.Select((u, i) =>
        {
            var state = UserDriftState.New(GenreWorld.Dimension, parameters);
            new InterestDriftDetector(parameters).Apply(state, Unit(i % GenreWorld.Dimension), 1f);
            return new DriftStateWrite(u, i % 4, 100 + i, "m1", UserDriftStateCodec.Write(state)) { RecentItems = [($"item-{i}", 100 + i)] };
        }).ToList();

        Assert.All(await store.ApplyAsync(writes, recentItems: 5), Assert.True);
        Assert.All(await store.ApplyAsync(writes, recentItems: 5), Assert.False); // a replay changes nothing
        var loaded = await store.LoadAsync(users);
        Assert.All(loaded.Zip(writes), p => Assert.Equal((p.Second.Partition, p.Second.Offset, 1L), (p.First!.Partition, p.First.Offset, p.First.State.Events)));
        Assert.Equal(["item-3"], await store.RecentItemsAsync(users[3]));

        foreach (var user in users)
        {
            Assert.Equal(2, await store.DeleteAsync(user)); // the user's two keys in one DEL: one slot
        }

        Assert.All(await store.LoadAsync(users), Assert.Null);
    }

    [Fact]
    public async Task The_catalog_written_by_the_embedder_is_read_back_whole_though_its_items_live_on_every_master()
    {
        var world = new GenreWorld(UniqueNames.Next("catalog") + "-", seed: 5);
        await world.WriteCatalogAsync(Db);

        var read = await new ItemCatalogReader(Db).ReadNewAsync(world.ModelVersion, GenreWorld.Dimension, _ => false);

        Assert.Equal(world.Items.Select(i => i.ItemId).Order(StringComparer.Ordinal), read.Items.Select(i => i.ItemId));
        Assert.Equal(0, read.Skipped);
        var masters = new HashSet<int>();
        foreach (var item in world.Items)
        {
            masters.Add((await redis.Cluster.MasterOfAsync(await redis.Cluster.KeySlotAsync(ItemCatalogKeys.Item(item.ItemId)))).Port);
        }

        Assert.Equal(3, masters.Count);
    }

    [Fact]
    public async Task The_ledger_and_the_joint_release_store_charge_and_store_once_per_release_for_users_on_every_master()
    {
        var users = Users("ledger", 12);
        var ledger = new PrivacyLedger(Db, TimeSpan.FromDays(1), cap: 10, TimeProvider.System);
        var joint = new JointReleaseStore(Db, TimeSpan.FromDays(1), TimeProvider.System);
        foreach (var user in users)
        {
            Assert.Equal(LedgerOutcome.Granted, (await ledger.ChargeAsync(user, "r1", 1.5)).Outcome);
            await ledger.StoreReleaseAsync(user, "r1", [1, 2, 3]);
            var again = await ledger.ChargeAsync(user, "r1", 1.5);
            Assert.Equal(LedgerOutcome.AlreadyCharged, again.Outcome);
            Assert.Equal([1, 2, 3], again.StoredRelease);
            Assert.Equal(1.5, await ledger.SpentAsync(user), 9);

            Assert.True((await joint.StoreAsync(user, "j1", [7])).First);
            var (stored, first) = await joint.StoreAsync(user, "j1", [8]);
            Assert.Equal([7], stored);
            Assert.False(first);
        }
    }

    [Fact]
    public async Task The_billboard_counts_a_window_releases_it_once_and_keeps_its_shared_keys_outside_the_window()
    {
        var world = new GenreWorld(UniqueNames.Next("billboard") + "-", seed: 9);
        await world.WriteCatalogAsync(Db);
        var options = new BillboardOptions { Window = TimeSpan.FromSeconds(60), ReleasesPerWindow = 4, MaxItemsPerUser = 2, Clusters = 3 };
        var store = new BillboardStore(Db, options);
        const long window = 1_800_000_000_000;
        var users = Users("bb", 6);

        var frame = await store.FrameAsync(world.ModelVersion, window);
        await store.AddModelsAsync([world.ModelVersion]);
        var events = users.SelectMany((_, u) => Enumerable.Range(0, 3).Select(i => (u, world.Items[i].ItemId))).ToList();
        var first = await store.CountAsync(world.ModelVersion, window, [.. users.Select(u => (u, 0))], events);
        var replay = await store.CountAsync(world.ModelVersion, window, [.. users.Select(u => (u, 0))], events);

        Assert.NotNull(frame);
        Assert.Contains(world.ModelVersion, await store.ModelsAsync());
        Assert.Equal((12L, 0L, 6L), first); // L = 2 of each user's 3 items
        Assert.Equal((0L, 12L, 6L), replay);
        Assert.Equal(12, (await store.ExactCountsAsync(world.ModelVersion, window, frame)).Sum());
        var noise = await store.NodeNoiseAsync(world.ModelVersion, window, (0, 0), frame.Cells, 4, new CryptoRandomSource());
        Assert.Equal(noise, await store.NodeNoiseAsync(world.ModelVersion, window, (0, 0), frame.Cells, 4, new CryptoRandomSource()));
        Assert.True(await store.TryLockAsync(world.ModelVersion, window, 1, "a"));
        Assert.False(await store.TryLockAsync(world.ModelVersion, window, 1, "b"));
        var counts = Enumerable.Range(0, frame.Clusters).Select(_ => new long[frame.Items.Length]).ToArray();
        Assert.True(await store.StoreReleaseAsync(world.ModelVersion, window, 2, counts));
        Assert.False(await store.StoreReleaseAsync(world.ModelVersion, window, 1, counts));
        Assert.NotNull(await store.ReadReleaseAsync(world.ModelVersion, window, frame));
    }

    [Fact]
    public async Task Schedule_mode_releases_for_users_whose_state_is_on_every_master()
    {
        var world = new GenreWorld(UniqueNames.Next("sched") + "-", seed: 61);
        await world.WriteCatalogAsync(Db);
        var parameters = new DriftParameters();
        var detector = new InterestDriftDetector(parameters);
        var store = new DriftStateStore(Db, TimeSpan.FromHours(1));
        // More than one SCAN page per master, so paging is exercised too.
        var users = Users("sched", 1_600);
        var writes = new List<DriftStateWrite>();
        foreach (var (user, i) in users.Select((u, i) => (u, i)))
        {
            var state = UserDriftState.New(GenreWorld.Dimension, parameters);
            foreach (var e in world.Events(user, 3, 0, GenreWorld.Genres[i % GenreWorld.Genres.Length]))
            {
                detector.Apply(state, e.Embedding.Span, 1f);
            }

            writes.Add(new DriftStateWrite(user, 0, 2, world.ModelVersion, UserDriftStateCodec.Write(state)));
        }

        await store.ApplyAsync(writes);
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 1, 6, 0, 0, TimeSpan.Zero));
        var options = new RecommenderOptions { Trigger = RecommenderOptions.ScheduleTrigger, TopK = 3, EpsilonSelection = 1, BudgetCap = 1000, Privacy = { Mode = RecommenderPrivacyOptions.StrictMode } };
        var releaser = new ScheduledReleaser(
            new ReleaseMaker(options, new ItemCatalogCache(Db, TimeSpan.FromMinutes(1), clock), new PrivacyLedger(Db, options.BudgetWindow, options.BudgetCap, clock), new CryptoRandomSource(), clock, NullLogger.Instance),
            Db, options.ScheduleInterval, clock);

        var released = await releaser.ReleaseSlotAsync(releaser.CurrentSlot, CancellationToken.None);

        // Other tests of the collection leave users of their own on the cluster: look at this test's users.
        var mine = released.Select(r => r.User).Where(u => u.StartsWith(users[0][..^4], StringComparison.Ordinal)).ToList();
        Assert.Equal(users.Order(StringComparer.Ordinal), mine.Order(StringComparer.Ordinal)); // each once
        Assert.All(released.Where(r => mine.Contains(r.User)), r => Assert.Equal(ReleaseStatus.Published, r.Status));
        foreach (var user in users)
        {
            await store.DeleteAsync(user);
        }
    }

    [Fact]
    public async Task With_a_replica_wait_a_batch_of_writes_returns_once_replicas_hold_it_and_fails_as_transient_when_they_cannot()
    {
        var users = Users("wait", 12);
        var writes = users.Select((u, i) => new DriftStateWrite(u, 0, i, "m1", UserDriftStateCodec.Write(UserDriftState.New(GenreWorld.Dimension, new DriftParameters())))).ToList();
        var one = new DriftStateStore(Db, TimeSpan.FromHours(1), RedisReplicaWait.From(redis.Connection, new RedisOptions { WaitReplicas = 1 }));
        var two = new DriftStateStore(Db, TimeSpan.FromHours(1), RedisReplicaWait.From(redis.Connection, new RedisOptions { WaitReplicas = 2, WaitTimeoutMs = 200 }));

        Assert.All(await one.ApplyAsync(writes), Assert.True);
        // Each master has one replica: two cannot confirm. The writes are made (a retry finds them applied),
        // and the failure is one the stage restarts on.
        var failure = await Assert.ThrowsAsync<RedisTimeoutException>(() => two.ApplyAsync(writes));
        Assert.Equal(RedisFailures.Reason, RedisFailures.TransientReason(failure));
        Assert.Null(RedisReplicaWait.From(redis.Connection, new RedisOptions()));
    }

    [Fact]
    public async Task Forget_erases_a_users_four_keys_in_one_DEL_though_the_cluster_refuses_any_command_across_slots()
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var user = UniqueNames.Next("forget") + "@example.com";
        var pseudonym = new Pseudonymizer(Convert.FromBase64String(key)).Pseudonymize(user);
        var other = Users("forget-other", 1)[0];
        foreach (var p in new[] { pseudonym, other })
        {
            await new DriftStateStore(Db, TimeSpan.FromHours(1)).ApplyAsync(
                [new DriftStateWrite(p, 0, 1, "m1", UserDriftStateCodec.Write(UserDriftState.New(4, new DriftParameters()))) { RecentItems = [("i1", 1)] }], recentItems: 5);
            await new PrivacyLedger(Db, TimeSpan.FromDays(1), 10, TimeProvider.System).ChargeAsync(p, "r1", 1);
            await new JointReleaseStore(Db, TimeSpan.FromDays(1), TimeProvider.System).StoreAsync(p, "j1", [1]);
        }

        using var forget = ExternalProcess.StartStreamRec(
            new Dictionary<string, string> { ["STREAMREC__Ingest__PseudonymKey"] = key },
            "forget", "--user", user, $"--Redis:Configuration={redis.Cluster.ConnectionString}");
        await forget.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(forget.ExitCode == 0, $"exit {forget.ExitCode}\n{forget.StandardOutput}\n{forget.StandardError}");
        Assert.Contains("deleted 4 key(s)", forget.StandardOutput, StringComparison.Ordinal);
        Assert.Null(await new DriftStateStore(Db, TimeSpan.FromHours(1)).LoadAsync(pseudonym));
        Assert.NotNull(await new DriftStateStore(Db, TimeSpan.FromHours(1)).LoadAsync(other));
        Assert.Equal(1, await new PrivacyLedger(Db, TimeSpan.FromDays(1), 10, TimeProvider.System).SpentAsync(other), 9);
    }

    /// <summary>Pseudonym-like user names unique to the test (hex, as the real ones are).</summary>
    private static List<string> Users(string what, int count)
    {
        var prefix = UniqueNames.Next(what) + "-";
        return [.. Enumerable.Range(0, count).Select(i => prefix + i.ToString("x4", System.Globalization.CultureInfo.InvariantCulture))];
    }

    private static float[] Unit(int axis)
    {
        var vector = new float[GenreWorld.Dimension];
        vector[axis] = 1;
        return vector;
    }
}
