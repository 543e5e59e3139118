using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;
using StackExchange.Redis;
using StreamRec.Embedded;
using StreamRec.IntegrationTests.Hosting;
using StreamRec.IntegrationTests.Infrastructure;
using StreamRec.Storage;
using Xunit.Abstractions;

namespace StreamRec.IntegrationTests.Reliability;

/// <summary>
/// A master of a three-master Redis Cluster killed with SIGKILL while a real
/// <c>streamrec run --stages drift,recommend</c> process, given every node, works through a stream: its
/// replica is promoted, the process rides the failover out on its own (its stages restart in-process),
/// and nothing is lost or applied twice. Once as deployed by default (no wait for replicas: the promoted
/// master serves alone) and once with Redis:WaitReplicas = 1, where the stages stop writing until the
/// killed node is back as the replica of its successor.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class RedisClusterFailoverTests(KafkaFixture kafka, ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task A_master_killed_mid_stream_and_its_replica_promoted_is_ridden_out_and_leaves_the_reference_state_and_one_release_per_mutation(int waitReplicas)
    {
        var clock = Stopwatch.StartNew();
        void Note(string what) => output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s  {what}");
        var run = FaultRun.Create(UniqueNames.Next($"redis-failover{waitReplicas}") + "-", seed: 43, eventsPerUser: 120);
        run.CreateTopics(kafka.CreateTopic);
        using var cluster = await RedisClusterProcess.StartAsync();
        using var connection = await RedisConnector.ConnectAsync(new RedisOptions { Configuration = cluster.ConnectionString });
        var db = connection.GetDatabase();
        await run.World.WriteCatalogAsync(db);
        Note("cluster up: " + cluster.ConnectionString);

        using var worker = WorkerProcess.Start("drift,recommend", kafka.BootstrapServers, cluster.ConnectionString, run.Prefix, "unused.onnx",
            [.. FaultRun.WorkerSettings, $"--Redis:WaitReplicas={waitReplicas}"]);
        await worker.WaitForAsync("/readyz", HttpStatusCode.OK, Deadline);
        Note("worker ready");

        using var streaming = new CancellationTokenSource();
        var produced = new StrongBox<int>();
        var stream = run.StreamAsync(kafka.Options, produced, streaming.Token);
        RedisClusterFailover failover;
        try
        {
            // A third of the stream is in when the master of a switching user's state dies.
            await Eventually.TrueAsync(() => Volatile.Read(ref produced.Value) >= run.Events.Count / 3, Deadline, "a third of the stream produced");
            await Eventually.TrueAsync(async () => await FaultRun.MetricAsync(worker, "streamrec_events_consumed_total", ("stage", "drift")) > 0,
                Deadline, "the drift stage at work");
            var slot = await cluster.KeySlotAsync(DriftStateKeys.User(run.Histories[0][0].User));
            failover = await cluster.KillMasterAsync(slot);
            Note($"master 127.0.0.1:{failover.Killed.Port} killed at {produced.Value} events produced; replica 127.0.0.1:{failover.Promoted.Port} promoted after {failover.Outage.TotalSeconds:0.0} s");
            if (waitReplicas > 0)
            {
                // The promoted master has no replica: no write of its slots can be confirmed until the
                // killed node is back, as its replica.
                await Eventually.TrueAsync(async () => await FaultRun.MetricAsync(worker, "streamrec_stage_restarts_total", ("stage", "drift"), ("reason", "redis")) >= 1,
                    Deadline, () => $"a drift stage restart while no replica confirms; the worker says:\n{worker.Process.StandardOutput}");
                await cluster.RestartNodeAsync(failover.Killed);
                Note($"127.0.0.1:{failover.Killed.Port} back as a replica");
            }

            await stream;
            Note("stream produced");
            await Eventually.TrueAsync(async () =>
            {
                Assert.False(worker.Process.HasExited, $"the worker exited ({worker.Process.ExitCodeOrNone})\n{worker.Process.StandardOutput}");
                try
                {
                    return await run.AllAppliedAsync(db);
                }
                catch (RedisConnectionException)
                {
                    return false; // the test's own connection is still finding the new master
                }
            }, Deadline, () => $"every event applied after the failover; the worker says:\n{worker.Process.StandardOutput}");
            Note("all events applied");
        }
        finally
        {
            await streaming.CancelAsync();
        }

        await worker.WaitForAsync("/readyz", HttpStatusCode.OK, Deadline);
        // What schedule mode scans, and a client's view of the cluster: three masters, the promoted one
        // among them, the killed one not (down, or back as a replica).
        await Eventually.TrueAsync(() =>
        {
            var masters = RedisMasters.Of(connection).Select(s => ((IPEndPoint)s.EndPoint).Port).ToHashSet();
            return masters.Count == 3 && masters.Contains(failover.Promoted.Port) && !masters.Contains(failover.Killed.Port);
        }, Deadline, () => $"the client's masters after the failover: {string.Join(", ", RedisMasters.Of(connection).Select(s => s.EndPoint))}");
        var mutations = await run.AssertDriftMatchesReferenceAsync(kafka.Options, db);
        await run.WaitUntilEachMutationAnsweredOnceAsync(kafka.Options, db, mutations, Deadline);
        var restarts = await FaultRun.MetricAsync(worker, "streamrec_stage_restarts_total", ("reason", "redis"));
        foreach (var line in worker.Process.StandardOutput.Split('\n').Where(l => l.Contains("transient redis failure", StringComparison.Ordinal)))
        {
            Note("worker: " + line.Trim());
        }

        Assert.DoesNotContain(run.Prefix + "switcher", worker.Process.StandardOutput, StringComparison.Ordinal); // no user in a log line
        Note($"{run.Events.Count} events, {mutations.Count} mutations, each answered once; outage {failover.Outage.TotalSeconds:0.0} s; {restarts} stage restart(s) for Redis");

        worker.Process.Terminate();
        await worker.Process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(worker.Process.ExitCode == 0, $"exit {worker.Process.ExitCode}\n{worker.Process.StandardOutput}\n{worker.Process.StandardError}");
    }
}
