using System.Security.Cryptography;
using StackExchange.Redis;
using StreamRec.DriftDetector.State;
using StreamRec.Ingest;
using StreamRec.IntegrationTests.Infrastructure;
using StreamRec.Recommender.Ledger;

namespace StreamRec.IntegrationTests.Hosting;

/// <summary><c>streamrec forget</c>, the erasure path for data-subject requests, against a real redis-server.</summary>
[Collection(RedisCollection.Name)]
public sealed class ForgetCommandTests(RedisServerFixture redis)
{
    [Fact]
    public async Task Forget_removes_exactly_that_users_state_recent_items_and_ledger_and_nothing_else()
    {
        var prefix = UniqueNames.Next("forget") + "-";
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var pseudonyms = new Pseudonymizer(Convert.FromBase64String(key));
        var (alice, bob) = ($"{prefix}alice@example.com", $"{prefix}bob");
        var db = redis.Connection.GetDatabase();
        var aliceKeys = await WriteUserAsync(db, pseudonyms.Pseudonymize(alice));
        var bobKeys = await WriteUserAsync(db, pseudonyms.Pseudonymize(bob));
        RedisKey unrelated = $"{prefix}catalog-item";
        await db.StringSetAsync(unrelated, "kept");

        using var forget = ExternalProcess.StartStreamRec(
            new Dictionary<string, string> { ["STREAMREC__Ingest__PseudonymKey"] = key },
            "forget", "--user", alice, $"--Redis:Configuration={redis.Server.ConnectionString}");
        await forget.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(forget.ExitCode == 0, $"exit {forget.ExitCode}\n{forget.StandardOutput}\n{forget.StandardError}");
        Assert.Contains("deleted 3 key(s)", forget.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(alice, forget.StandardOutput + forget.StandardError, StringComparison.Ordinal); // the raw id is printed nowhere
        foreach (var gone in aliceKeys)
        {
            Assert.False(await db.KeyExistsAsync(gone), $"{gone} survived forget");
        }

        foreach (var kept in bobKeys.Append(unrelated))
        {
            Assert.True(await db.KeyExistsAsync(kept), $"{kept} was deleted, but it is not the forgotten user's");
        }
    }

    [Fact]
    public async Task Forget_with_a_different_pseudonym_key_than_ingest_deletes_nothing_of_the_user()
    {
        var prefix = UniqueNames.Next("forget-key") + "-";
        var user = prefix + "carol";
        var db = redis.Connection.GetDatabase();
        var keys = await WriteUserAsync(db, new Pseudonymizer(RandomNumberGenerator.GetBytes(32)).Pseudonymize(user));

        using var forget = ExternalProcess.StartStreamRec(
            new Dictionary<string, string> { ["STREAMREC__Ingest__PseudonymKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) },
            "forget", "--user", user, $"--Redis:Configuration={redis.Server.ConnectionString}");
        await forget.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, forget.ExitCode);
        Assert.Contains("deleted 0 key(s)", forget.StandardOutput, StringComparison.Ordinal);
        foreach (var kept in keys)
        {
            Assert.True(await db.KeyExistsAsync(kept));
        }
    }

    [Fact]
    public async Task Forget_without_the_pseudonym_key_stops_with_exit_code_2_naming_it()
    {
        using var forget = ExternalProcess.StartStreamRec("forget", "--user", "someone", $"--Redis:Configuration={redis.Server.ConnectionString}");
        await forget.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, forget.ExitCode);
        Assert.Contains("Ingest:PseudonymKey is required", forget.StandardError, StringComparison.Ordinal);
    }

    /// <summary>The three keys StreamRec keeps per user, written as the stages write them (state string, recent-items zset, ledger).</summary>
    private static async Task<RedisKey[]> WriteUserAsync(IDatabase db, string pseudonym)
    {
        RedisKey state = DriftStateStore.Key(pseudonym), recent = DriftStateStore.RecentItemsKey(pseudonym), ledger = PrivacyLedger.Key(pseudonym);
        await db.StringSetAsync(state, new byte[64]);
        await db.SortedSetAddAsync(recent, "item-1", 1);
        await db.HashSetAsync(ledger, "spent", "1");
        return [state, recent, ledger];
    }
}
