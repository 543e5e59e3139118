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
/// Redis killed with SIGKILL and started again (it reloads its append-only file) while a real
/// <c>streamrec run --stages drift,recommend</c> process, split or fused, works through a stream: the process rides it
/// out on its own (its stages restart in-process), <c>/readyz</c> shows the outage, and nothing is lost
/// or applied twice.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class RedisRestartTests(KafkaFixture kafka, ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("split")]
    [InlineData("fused")]
    public async Task A_Redis_crash_and_restart_with_AOF_mid_stream_is_ridden_out_without_exiting_and_leaves_the_reference_state_and_one_release_per_mutation(string topology)
    {
        // Fused, the two stages are one chain (one consumer of the embedded topic), restarted as one worker.
        var restarting = topology == "fused" ? "fused" : "drift";
        var clock = Stopwatch.StartNew();
        void Note(string what) => output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s  {what}");
        var run = FaultRun.Create(UniqueNames.Next("redis-restart") + "-", seed: 41, eventsPerUser: 120);
        run.CreateTopics(kafka.CreateTopic);
        using var redis = await RedisServerProcess.StartAsync(new RedisServerOptions { AppendOnly = true });
        using var connection = await RedisConnector.ConnectAsync(new RedisOptions { Configuration = redis.ConnectionString });
        var db = connection.GetDatabase();
        await run.World.WriteCatalogAsync(db);

        using var worker = WorkerProcess.Start("drift,recommend", kafka.BootstrapServers, redis.ConnectionString, run.Prefix, "unused.onnx",
            [.. FaultRun.WorkerSettings, $"--Topology:Mode={topology}"]);
        await worker.WaitForAsync("/readyz", HttpStatusCode.OK, Deadline);
        Assert.Equal(0, await FaultRun.MetricAsync(worker, "streamrec_stage_restarts_total", ("stage", restarting), ("reason", "redis"))); // there from the start
        Note("worker ready");

        using var streaming = new CancellationTokenSource();
        var produced = new StrongBox<int>();
        var stream = run.StreamAsync(kafka.Options, produced, streaming.Token);
        try
        {
            // A third of the stream is in when Redis dies.
            await Eventually.TrueAsync(() => Volatile.Read(ref produced.Value) >= run.Events.Count / 3, Deadline, "a third of the stream produced");
            await Eventually.TrueAsync(async () => await FaultRun.MetricAsync(worker, "streamrec_events_consumed_total", ("stage", "drift")) > 0,
                Deadline, "the drift stage at work");
            redis.Kill();
            var killedAt = clock.Elapsed;
            Note($"redis killed, {produced.Value} events produced");

            var down = await worker.WaitForAsync("/readyz", HttpStatusCode.ServiceUnavailable, Deadline);
            Assert.Contains("\"name\":\"redis\",\"ok\":false", down, StringComparison.Ordinal);
            Note("readyz 503, redis false");
            // The stages meet the outage (a batch's Redis read or write fails) and restart in-process;
            // Redis stays down until the drift stage's first restart has failed too (the backoff at work).
            await Eventually.TrueAsync(async () => await FaultRun.MetricAsync(worker, "streamrec_stage_restarts_total", ("stage", restarting), ("reason", "redis")) >= 2,
                Deadline, () => $"two {restarting} stage restarts for Redis; the worker says:\n{worker.Process.StandardOutput}");
            Assert.Equal(HttpStatusCode.OK, (await worker.GetAsync("/healthz")).Status); // alive: no pod restart for an outage
            Note($"restart counted; redis down for {(clock.Elapsed - killedAt).TotalSeconds:0.0} s");

            await redis.RestartAsync();
            var restartedAt = clock.Elapsed;
            Note("redis restarted from its AOF");
            await worker.WaitForAsync("/readyz", HttpStatusCode.OK, Deadline);
            Note($"readyz 200 again, {(clock.Elapsed - restartedAt).TotalSeconds:0.0} s after redis came back");

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
                    return false; // the test's own connection is still coming back
                }
            }, Deadline, "every event applied after the restart");
            Note("all events applied");
        }
        finally
        {
            await streaming.CancelAsync();
        }

        var mutations = await run.AssertDriftMatchesReferenceAsync(kafka.Options, db);
        await run.WaitUntilEachMutationAnsweredOnceAsync(kafka.Options, db, mutations, Deadline);
        var restarts = await FaultRun.MetricAsync(worker, "streamrec_stage_restarts_total", ("reason", "redis"));
        Assert.True(restarts > 0);
        Assert.Contains("stopped by a transient redis failure", worker.Process.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Prefix + "switcher", worker.Process.StandardOutput, StringComparison.Ordinal); // no user in a log line
        Note($"{mutations.Count} mutations, each answered once; {restarts} stage restart(s)");

        worker.Process.Terminate();
        await worker.Process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(worker.Process.ExitCode == 0, $"exit {worker.Process.ExitCode}\n{worker.Process.StandardOutput}\n{worker.Process.StandardError}");
    }
}
