using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamRec.DriftDetector.State;
using StreamRec.Embedded;
using StreamRec.IntegrationTests.Infrastructure;
using StreamRec.Recommender.Ledger;
using StreamRec.Storage;

namespace StreamRec.IntegrationTests.Redis;

/// <summary>
/// The process's one Redis connection (<see cref="RedisConnection"/>) against real redis-server processes:
/// a stage's first call at start, the deadline, reuse across stage restarts, and the client's handling of
/// a script cache emptied by a server restart or SCRIPT FLUSH.
/// </summary>
public sealed class RedisConnectionTests
{
    [Fact]
    public async Task A_connection_begun_before_the_server_starts_serves_the_first_command_once_it_returns()
    {
        var port = LoopbackPorts.GetFree();
        await using var connection = new RedisConnection(Options.Create(new RedisOptions { Configuration = $"127.0.0.1:{port}", ConnectTimeoutMs = 20_000 }));
        var connecting = connection.GetAsync(CancellationToken.None);
        // The server comes up after the connect began, as when a pod and its Redis start together.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.False(connecting.IsCompleted, "nothing listens yet: the connection cannot be ready");
        using var server = await RedisServerProcess.StartAsync(new RedisServerOptions { Port = port });

        var multiplexer = await connecting;

        // The call that failed on 2026-12-06 with "No connection is available to service this operation: SMEMBERS".
        Assert.Empty(await multiplexer.GetDatabase().SetMembersAsync(UniqueNames.Next("first-call")));
    }

    [Fact]
    public async Task No_server_within_the_connect_timeout_is_a_transient_Redis_failure_that_names_the_setting()
    {
        var port = LoopbackPorts.GetFree();
        await using var connection = new RedisConnection(Options.Create(new RedisOptions { Configuration = $"127.0.0.1:{port}", ConnectTimeoutMs = 300 }));

        var failure = await Assert.ThrowsAsync<RedisConnectionException>(() => connection.GetAsync(CancellationToken.None));

        Assert.Contains("Redis:ConnectTimeoutMs", failure.Message, StringComparison.Ordinal);
        Assert.Equal(RedisFailures.Reason, RedisFailures.TransientReason(failure));
    }

    [Fact]
    public async Task A_stage_started_again_gets_the_same_connection_which_reconnects_after_a_Redis_restart()
    {
        using var server = await RedisServerProcess.StartAsync();
        await using var connection = new RedisConnection(Options.Create(new RedisOptions { Configuration = server.ConnectionString, ConnectTimeoutMs = 20_000 }));
        var first = await connection.GetAsync(CancellationToken.None);
        await first.GetDatabase().StringSetAsync("before", "1");

        await server.CrashAndRestartAsync();
        var again = await connection.GetAsync(CancellationToken.None);

        Assert.Same(first, again);
        await again.GetDatabase().StringSetAsync("after", "2");
        Assert.Equal("2", (string?)await again.GetDatabase().StringGetAsync("after"));
    }

    [Fact]
    public async Task A_flushed_script_cache_neither_loses_nor_double_applies_drift_state_or_ledger_charges()
    {
        using var server = await RedisServerProcess.StartAsync();
        using var connection = await RedisConnector.ConnectAsync(new RedisOptions { Configuration = server.ConnectionString });
        using var admin = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString + ",allowAdmin=true");
        var db = connection.GetDatabase();
        var store = new DriftStateStore(db, TimeSpan.FromDays(1));
        var ledger = new PrivacyLedger(db, TimeSpan.FromDays(1), cap: 10, TimeProvider.System);
        var user = UniqueNames.Next("noscript-user");
        async Task FlushScripts() => await admin.GetServer(admin.GetEndPoints()[0]).ScriptFlushAsync();

        // Each script has run once, so the client knows its SHA1 and sends EVALSHA from now on.
        Assert.True(await store.ApplyAsync(user, partition: 0, offset: 5, State(5)));
        Assert.Equal(LedgerOutcome.Granted, (await ledger.ChargeAsync(user, "release-1", 1)).Outcome);

        await FlushScripts();
        Assert.True(await Within(store.ApplyAsync(user, partition: 0, offset: 6, State(6)))); // not lost
        Assert.Equal(LedgerOutcome.Granted, (await Within(ledger.ChargeAsync(user, "release-2", 1))).Outcome);

        await FlushScripts();
        // A pipelined batch, as the stage writes: the replayed record stays unapplied, the new one applies.
        var applied = await Within(store.ApplyAsync(
        [
            new DriftStateWrite(user, 0, 6, "", UserDriftStateCodec.Write(State(60))),
            new DriftStateWrite(user + "-other", 0, 7, "", UserDriftStateCodec.Write(State(7))),
        ]));
        Assert.Equal([false, true], applied);
        Assert.Equal(LedgerOutcome.AlreadyCharged, (await Within(ledger.ChargeAsync(user, "release-2", 1))).Outcome);

        var stored = await store.LoadAsync(user);
        Assert.Equal(6, stored!.Offset);
        Assert.Equal(6, stored.State.Events);
        Assert.Equal(2, await ledger.SpentAsync(user), precision: 12); // each release charged once
    }

    /// <summary>A script call lost by the client (seen with a batch of scripts after SCRIPT FLUSH) fails the test instead of hanging it.</summary>
    private static Task<T> Within<T>(Task<T> call) => call.WaitAsync(TimeSpan.FromSeconds(30));

    private static UserDriftState State(int events) => DriftDetector.DriftStateStoreTests.State(events, dimension: 8);
}
