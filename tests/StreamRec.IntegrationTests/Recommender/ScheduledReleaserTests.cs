using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using StreamRec.Contracts;
using StreamRec.DriftDetector.Detection;
using StreamRec.DriftDetector.State;
using StreamRec.IntegrationTests.DriftDetector;
using StreamRec.IntegrationTests.Infrastructure;
using StreamRec.Recommender.Catalog;
using StreamRec.Recommender.Ledger;
using StreamRec.Recommender.Privacy;
using StreamRec.Recommender.Stage;
using StreamRec.Storage;

namespace StreamRec.IntegrationTests.Recommender;

/// <summary>The fixed-schedule mode against a real redis-server holding drift states, a catalog and ledgers.</summary>
public sealed class ScheduledReleaserTests : IAsyncLifetime
{
    // Its own server: the schedule releases for every user with state in the database, so no other
    // test's users may be there.
    private readonly RedisServerFixture _redis = new();

    public Task InitializeAsync() => _redis.InitializeAsync();

    public Task DisposeAsync() => _redis.DisposeAsync();

    [Fact]
    public async Task Every_user_with_state_gets_one_release_per_slot_and_a_slot_released_again_costs_nothing()
    {
        var db = _redis.Connection.GetDatabase();
        var world = new GenreWorld("sched-", seed: 61);
        await world.WriteCatalogAsync(db);
        var parameters = new DriftParameters();
        var detector = new InterestDriftDetector(parameters);
        var store = new DriftStateStore(db, TimeSpan.FromDays(1));
        var users = new[] { "aaaa", "bbbb", "cccc" };
        foreach (var (user, genre) in users.Zip(["Horror", "Comedy", "Drama"]))
        {
            var state = UserDriftState.New(GenreWorld.Dimension, parameters);
            foreach (var e in world.Events(user, 30, 0, genre))
            {
                detector.Apply(state, e.Embedding.Span, 1f);
            }

            await store.ApplyAsync(user, 0, 29, state, world.ModelVersion);
        }

        var clock = new ManualClock(new DateTimeOffset(2026, 12, 1, 6, 0, 0, TimeSpan.Zero));
        var options = new RecommenderOptions { Trigger = RecommenderOptions.ScheduleTrigger, TopK = 3, EpsilonSelection = 400, BudgetCap = 1000, Privacy = { Mode = RecommenderPrivacyOptions.StrictMode } };
        var ledger = new PrivacyLedger(db, options.BudgetWindow, options.BudgetCap, clock);
        var releaser = new ScheduledReleaser(
            new ReleaseMaker(options, new ItemCatalogCache(db, TimeSpan.FromMinutes(1), clock), ledger, new CryptoRandomSource(), clock, NullLogger.Instance),
            db, options.ScheduleInterval, clock);
        var slot = releaser.CurrentSlot;
        Assert.Equal(clock.Now.ToUnixTimeMilliseconds() / (long)TimeSpan.FromHours(6).TotalMilliseconds, slot);

        var first = await releaser.ReleaseSlotAsync(slot, CancellationToken.None);
        var again = await releaser.ReleaseSlotAsync(slot, CancellationToken.None);
        clock.Now += TimeSpan.FromHours(6);
        var next = await releaser.ReleaseSlotAsync(slot + 1, CancellationToken.None);

        Assert.Equal(users, first.Select(r => r.User).Order());
        Assert.All(first, r => Assert.Equal(ReleaseStatus.Published, r.Status));
        Assert.Equal(first.OrderBy(r => r.User).Select(r => r.Record), again.OrderBy(r => r.User).Select(r => r.Record));
        Assert.All(again, r => Assert.Equal(ReleaseStatus.Republished, r.Status));
        Assert.All(next, r => Assert.Equal(ReleaseStatus.Published, r.Status));
        foreach (var (user, record, _) in first)
        {
            var release = JsonSerializer.Deserialize(record, ContractsJsonContext.Default.RecommendationRecord)!;
            Assert.Equal((ScheduledReleaser.ScheduleTrigger, (string?)null, ScheduledReleaser.ReleaseId(user, slot)), (release.Trigger, release.MutationId, release.ReleaseId));
            Assert.Equal(releaser.SlotStart(slot).ToUnixTimeMilliseconds(), release.Time); // the slot's start, not the compute time
            Assert.Equal(2 * options.EpsilonSelection, await ledger.SpentAsync(user), 9); // this slot and the next, not the repeat
        }

        // The releases follow each user's state: the Horror user gets Horror films.
        var horror = JsonSerializer.Deserialize(first.Single(r => r.User == "aaaa").Record, ContractsJsonContext.Default.RecommendationRecord)!;
        Assert.All(horror.Items, i => Assert.StartsWith("Horror film", i.Title, StringComparison.Ordinal));
    }

    [Fact]
    public async Task In_joint_mode_every_user_with_state_gets_a_slot_release_that_a_repeat_publishes_again_byte_for_byte_and_no_ledger_is_kept()
    {
        var db = _redis.Connection.GetDatabase();
        var world = new GenreWorld("sched-joint-", seed: 62);
        await world.WriteCatalogAsync(db);
        var parameters = new DriftParameters();
        var detector = new InterestDriftDetector(parameters);
        var store = new DriftStateStore(db, TimeSpan.FromDays(1));
        var users = new[] { "dddd", "eeee" };
        foreach (var (user, genre) in users.Zip(["Western", "Animation"]))
        {
            var state = UserDriftState.New(GenreWorld.Dimension, parameters);
            foreach (var e in world.Events(user, 30, 0, genre))
            {
                detector.Apply(state, e.Embedding.Span, 1f);
            }

            await store.ApplyAsync(user, 0, 29, state, world.ModelVersion);
        }

        await new BillboardSnapshotStore(db).WriteAsync(RecommenderProcessorTests.Billboard(world, "b1", (_, _) => 1));
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 1, 6, 0, 0, TimeSpan.Zero));
        var options = new RecommenderOptions { Trigger = RecommenderOptions.ScheduleTrigger, TopK = 3 };
        var releaser = new ScheduledReleaser(
            new ReleaseMaker(options, new ItemCatalogCache(db, TimeSpan.FromMinutes(1), clock), new PrivacyLedger(db, options.BudgetWindow, options.BudgetCap, clock),
                new CryptoRandomSource(), clock, NullLogger.Instance, joint: JointReleaser.ForRedis(options, db, clock)),
            db, options.ScheduleInterval, clock);
        var slot = releaser.CurrentSlot;

        var first = await releaser.ReleaseSlotAsync(slot, CancellationToken.None);
        var again = await releaser.ReleaseSlotAsync(slot, CancellationToken.None);

        Assert.Equal(users, first.Select(r => r.User).Order());
        Assert.All(first, r => Assert.Equal(ReleaseStatus.Published, r.Status));
        Assert.All(again, r => Assert.Equal(ReleaseStatus.Republished, r.Status));
        Assert.Equal(first.OrderBy(r => r.User).Select(r => r.Record), again.OrderBy(r => r.User).Select(r => r.Record));
        foreach (var (user, record, _) in first)
        {
            var release = JsonSerializer.Deserialize(record, ContractsJsonContext.Default.RecommendationRecord)!;
            Assert.Equal(("joint", "b1", 0.0, ScheduledReleaser.ReleaseId(user, slot)), (release.PrivacyMode, release.BillboardVersion, release.EpsilonSpent, release.ReleaseId));
            Assert.False(await db.KeyExistsAsync(PrivacyLedger.Key(user)));
        }

        var western = JsonSerializer.Deserialize(first.Single(r => r.User == "dddd").Record, ContractsJsonContext.Default.RecommendationRecord)!;
        Assert.All(western.Items, i => Assert.StartsWith("Western film", i.Title, StringComparison.Ordinal));
    }
}
