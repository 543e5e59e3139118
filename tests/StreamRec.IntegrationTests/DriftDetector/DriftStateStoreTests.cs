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
    public async Task A_write_from_another_partition_replaces_the_state_and_is_then_applied_once()
    {
        // The script compares offsets within one partition only: a user whose events come from another
        // partition (the input topic repartitioned) starts again from that partition's offsets.
        var store = new DriftStateStore(redis.Connection.GetDatabase(), TimeSpan.FromDays(30));
        var user = UniqueNames.Next("user");
        Assert.True(await store.ApplyAsync(user, partition: 3, offset: 10, State(10)));

        Assert.True(await store.ApplyAsync(user, partition: 5, offset: 2, State(11)));
        Assert.False(await store.ApplyAsync(user, partition: 5, offset: 2, State(99)));

        var stored = await store.LoadAsync(user);
        Assert.Equal((5, 2L, 11L), (stored!.Partition, stored.Offset, stored.State.Events));
    }

    [Fact]
    public async Task Writes_for_many_users_in_one_pipelined_call_all_land_and_load_back_in_the_order_asked()
    {
        // The stage writes a batch's users with one call (every script sent, then every answer awaited)
        // and reads them with one pipelined batch; each write keeps its own answer.
        var store = new DriftStateStore(redis.Connection.GetDatabase(), TimeSpan.FromDays(1));
        var prefix = UniqueNames.Next("pipelined");
        var users = Enumerable.Range(0, 500).Select(i => $"{prefix}-{i}").ToArray();
        Assert.True(await store.ApplyAsync(users[7], partition: 1, offset: 1_000, State(1, dimension: 8)));

        var applied = await store.ApplyAsync(
            [.. users.Select((user, i) => new DriftStateWrite(user, 1, 100 + i, "", UserDriftStateCodec.Write(State(2 + (i % 5), dimension: 8))))]);

        Assert.Equal(users.Select((_, i) => i != 7), applied);
        var stored = await store.LoadAsync([.. Enumerable.Reverse(users)]);
        Assert.All(Enumerable.Reverse(stored).Select((s, i) => (s, i)), x =>
        {
            Assert.NotNull(x.s);
            Assert.Equal(x.i == 7 ? (1_000L, 1L) : (100L + x.i, 2L + (x.i % 5)), (x.s.Offset, x.s.State.Events));
        });
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
