using StreamRec.IntegrationTests.DriftDetector;
using StreamRec.IntegrationTests.Infrastructure;
using StreamRec.Recommender.Catalog;
using StreamRec.Storage;

namespace StreamRec.IntegrationTests.Recommender;

/// <summary>Joint mode's in-memory billboard against a real redis-server holding snapshots written by <see cref="BillboardSnapshotStore"/>.</summary>
public sealed class BillboardCacheTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_new_billboard_release_is_picked_up_after_the_refresh_interval_and_not_before()
    {
        var world = new GenreWorld(UniqueNames.Next("bb") + "-", seed: 71);
        var db = redis.Connection.GetDatabase();
        var store = new BillboardSnapshotStore(db);
        var clock = new ManualClock(Start);
        var cache = new BillboardCache(db, TimeSpan.FromSeconds(30), clock);

        Assert.Null(await cache.GetAsync(world.ModelVersion)); // no billboard yet
        await store.WriteAsync(RecommenderProcessorTests.Billboard(world, "v1", (_, _) => 1));
        clock.Now += TimeSpan.FromSeconds(31);
        Assert.Equal("v1", (await cache.GetAsync(world.ModelVersion))?.Version);
        await store.WriteAsync(RecommenderProcessorTests.Billboard(world, "v2", (_, _) => 2));
        clock.Now += TimeSpan.FromSeconds(10);
        Assert.Equal("v1", (await cache.GetAsync(world.ModelVersion))?.Version); // within the interval: not even the version is read
        clock.Now += TimeSpan.FromSeconds(21);
        var latest = await cache.GetAsync(world.ModelVersion);

        Assert.Equal(("v2", 2L), (latest?.Version, latest?.Counts[0][0]));
        Assert.Equal(0, cache.Damaged);
    }

    [Fact]
    public async Task A_damaged_snapshot_counts_as_no_billboard_instead_of_stopping_recommendations()
    {
        var world = new GenreWorld(UniqueNames.Next("bb") + "-", seed: 72);
        var db = redis.Connection.GetDatabase();
        var cache = new BillboardCache(db, TimeSpan.Zero, new ManualClock(Start));
        var snapshot = RecommenderProcessorTests.Billboard(world, "v1", (_, _) => 1);
        await new BillboardSnapshotStore(db).WriteAsync(snapshot with { Counts = [.. snapshot.Counts.Skip(1)] }); // a cluster without counts

        Assert.Null(await cache.GetAsync(world.ModelVersion));
        await db.StringSetAsync(BillboardSnapshotStore.Key(world.ModelVersion), "not json");
        await db.StringSetAsync(BillboardSnapshotStore.VersionKey(world.ModelVersion), "v2");
        Assert.Null(await cache.GetAsync(world.ModelVersion));
        Assert.Equal(2, cache.Damaged);
    }
}
