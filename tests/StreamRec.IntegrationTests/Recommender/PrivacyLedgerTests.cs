using System.Text;
using StreamRec.IntegrationTests.Infrastructure;
using StreamRec.Recommender.Ledger;

namespace StreamRec.IntegrationTests.Recommender;

/// <summary>The per-user privacy ledger against a real redis-server.</summary>
[Collection(RedisCollection.Name)]
public sealed class PrivacyLedgerTests(RedisServerFixture redis)
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private PrivacyLedger Ledger(ManualClock clock, double cap = 1.0, TimeSpan? window = null) =>
        new(redis.Connection.GetDatabase(), window ?? TimeSpan.FromHours(1), cap, clock);

    private static byte[] Record(string id) => Encoding.UTF8.GetBytes($"{{\"release_id\":\"{id}\"}}");

    [Fact]
    public async Task A_release_that_would_exceed_the_cap_is_refused_and_not_charged()
    {
        var clock = new ManualClock(Start);
        var ledger = Ledger(clock, cap: 1.0);
        var user = UniqueNames.Next("user");

        var outcomes = new List<LedgerDecision>();
        for (var i = 0; i < 5; i++)
        {
            outcomes.Add(await ledger.ChargeAsync(user, $"r{i}", 0.3));
            clock.Now += TimeSpan.FromMinutes(1);
        }

        Assert.Equal([LedgerOutcome.Granted, LedgerOutcome.Granted, LedgerOutcome.Granted, LedgerOutcome.Refused, LedgerOutcome.Refused], outcomes.Select(o => o.Outcome));
        Assert.Equal(0.9, outcomes[2].SpentInWindow, 12);
        Assert.Equal(0.9, outcomes[3].SpentInWindow, 12); // what was spent; the refusal added nothing
        Assert.Equal(0.9, await ledger.SpentAsync(user), 12);

        // Exactly the cap is allowed.
        Assert.Equal(LedgerOutcome.Granted, (await ledger.ChargeAsync(user, "r-last", 0.1)).Outcome);
        Assert.Equal(1.0, await ledger.SpentAsync(user), 12);
    }

    [Fact]
    public async Task Concurrent_releases_for_one_user_never_overspend()
    {
        var ledger = Ledger(new ManualClock(Start), cap: 1.0);
        var user = UniqueNames.Next("user");

        var decisions = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => ledger.ChargeAsync(user, $"c{i}", 0.125)));

        Assert.Equal(8, decisions.Count(d => d.Outcome == LedgerOutcome.Granted));
        Assert.Equal(56, decisions.Count(d => d.Outcome == LedgerOutcome.Refused));
        Assert.Equal(1.0, await ledger.SpentAsync(user), 12);
    }

    [Fact]
    public async Task Republishing_a_release_is_free_and_publishes_the_first_stored_record()
    {
        var ledger = Ledger(new ManualClock(Start), cap: 1.0);
        var user = UniqueNames.Next("user");
        var first = await ledger.ChargeAsync(user, "m1", 0.6);
        Assert.Equal((LedgerOutcome.Granted, 0.6), (first.Outcome, first.SpentInWindow));

        // A crash before the record was stored: the replay finds the charge, no record, and stores its own.
        var replay = await ledger.ChargeAsync(user, "m1", 0.6);
        Assert.Equal((LedgerOutcome.AlreadyCharged, 0.6, (byte[]?)null), (replay.Outcome, replay.SpentInWindow, replay.StoredRelease));
        Assert.Equal(Record("draw 1"), await ledger.StoreReleaseAsync(user, "m1", Record("draw 1")));

        // A crash after it was stored: the replay gets the stored record, and storing another keeps the first.
        var again = await ledger.ChargeAsync(user, "m1", 0.6);
        Assert.Equal((LedgerOutcome.AlreadyCharged, 0.6), (again.Outcome, again.SpentInWindow));
        Assert.Equal(Record("draw 1"), again.StoredRelease);
        Assert.Equal(Record("draw 1"), await ledger.StoreReleaseAsync(user, "m1", Record("draw 2")));

        Assert.Equal(0.6, await ledger.SpentAsync(user), 12);
        Assert.Equal(LedgerOutcome.Refused, (await ledger.ChargeAsync(user, "m2", 0.6)).Outcome);
        await Assert.ThrowsAsync<InvalidOperationException>(() => ledger.StoreReleaseAsync(user, "m2", Record("m2")));
    }

    [Fact]
    public async Task The_window_rolls_over_and_the_key_expires_one_window_after_the_last_release()
    {
        var clock = new ManualClock(Start);
        var ledger = Ledger(clock, cap: 1.0, window: TimeSpan.FromHours(1));
        var user = UniqueNames.Next("user");
        Assert.Equal(LedgerOutcome.Granted, (await ledger.ChargeAsync(user, "a", 1.0)).Outcome);

        clock.Now = Start + TimeSpan.FromMinutes(59);
        Assert.Equal(LedgerOutcome.Refused, (await ledger.ChargeAsync(user, "b", 0.5)).Outcome);

        clock.Now = Start + TimeSpan.FromMinutes(61);
        var rolled = await ledger.ChargeAsync(user, "c", 0.5);
        await ledger.StoreReleaseAsync(user, "c", Record("c"));

        Assert.Equal((LedgerOutcome.Granted, 0.5), (rolled.Outcome, rolled.SpentInWindow));
        var fields = (await redis.Connection.GetDatabase().HashKeysAsync(PrivacyLedger.Key(user))).Select(f => (string)f!).Order();
        Assert.Equal(["e:c", "r:c"], fields); // the expired release is gone from the ledger
        var ttl = await redis.Connection.GetDatabase().KeyTimeToLiveAsync(PrivacyLedger.Key(user));
        Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
    }
}
