using StreamRec.DriftDetector.Detection;
using StreamRec.DriftDetector.State;
using StreamRec.IntegrationTests.Infrastructure;
using StreamRec.Storage;

namespace StreamRec.IntegrationTests.DriftDetector;

[Collection(RedisCollection.Name)]
public sealed class DriftStateStoreTests(RedisServerFixture redis)
{
    /// <summary>A user's state after <paramref name="events"/> random unit events (seeded by the count).</summary>
    internal static UserDriftState State(int events, int dimension = 64)
    {
        var parameters = new DriftParameters();
        var state = UserDriftState.New(dimension, parameters);
        var detector = new InterestDriftDetector(parameters);
        var random = new Random(events);
        for (var i = 0; i < events; i++)
        {
            var e = Enumerable.Range(0, dimension).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
            var norm = MathF.Sqrt(e.Sum(x => x * x));
            detector.Apply(state, e.Select(x => x / norm).ToArray(), 1f);
        }

        return state;
    }

    [Fact]
    public async Task Replayed_record_is_not_applied_twice()
    {
        var store = new DriftStateStore(redis.Connection.GetDatabase(), TimeSpan.FromDays(30));
        var user = UniqueNames.Next("user");
        var afterTen = State(10);

        Assert.True(await store.ApplyAsync(user, partition: 3, offset: 10, afterTen));
        Assert.False(await store.ApplyAsync(user, partition: 3, offset: 10, State(99)));
        Assert.False(await store.ApplyAsync(user, partition: 3, offset: 9, State(98)));

        var stored = await store.LoadAsync(user);
        Assert.NotNull(stored);
        Assert.Equal((3, 10L), (stored.Partition, stored.Offset));
        Assert.Equal(afterTen.Short, stored.State.Short);
        Assert.Equal(afterTen.Events, stored.State.Events);

        Assert.True(await store.ApplyAsync(user, partition: 3, offset: 11, State(11)));
        Assert.Equal(11, (await store.LoadAsync(user))!.State.Events);
    }

    [Fact]
    public async Task State_carries_a_ttl_and_an_unknown_user_has_none()
    {
        var db = redis.Connection.GetDatabase();
        var store = new DriftStateStore(db, TimeSpan.FromHours(2));
        var user = UniqueNames.Next("user");
        await store.ApplyAsync(user, 0, 1, State(1));

        var ttl = await db.KeyTimeToLiveAsync(DriftStateStore.Key(user));

        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromHours(2) - TimeSpan.FromMinutes(1), TimeSpan.FromHours(2));
        Assert.Null(await store.LoadAsync(UniqueNames.Next("nobody")));
    }

    [Fact]
    public async Task A_user_at_d_64_takes_under_one_kilobyte_in_redis()
    {
        var db = redis.Connection.GetDatabase();
        var store = new DriftStateStore(db, TimeSpan.FromDays(30));
        var user = new string('f', 32); // a pseudonym's length
        await store.ApplyAsync(user, 7, 123_456_789, State(200), "item2vec-147c732aa827");

        var bytes = (long)await db.ExecuteAsync("MEMORY", "USAGE", (string)DriftStateStore.Key(user)!);

        Assert.InRange(bytes, UserDriftStateCodec.GetByteCount(64), 1024);
    }
}
