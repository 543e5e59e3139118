using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using StreamRec.Contracts;
using StreamRec.Embedded;
using StreamRec.IntegrationTests.Embedding;
using StreamRec.IntegrationTests.Hosting;
using StreamRec.IntegrationTests.Infrastructure;
using StreamRec.Messaging;
using StreamRec.Storage;
using Xunit.Abstractions;

namespace StreamRec.IntegrationTests.Reliability;

/// <summary>
/// Broker faults through a real <c>streamrec run --stages ingest,drift,recommend</c> process (split), or
/// a fused <c>drift,recommend</c> process, on a 3-broker embedded cluster of the test's own: injected
/// request errors (produce, fetch, offset commit), every partition's leader moved, one broker down and
/// up, then all three down and up. The pipeline recovers without help, <c>/readyz</c> shows the outage
/// that cuts it off from every broker, and nothing is lost or applied twice. Every producer here, the
/// worker's included, keeps one request in flight (<see cref="FaultRun.ProducerConfig"/>): the mock
/// broker does not check an idempotent producer's sequence numbers, and an injected produce error
/// would otherwise lose a batch that a real broker keeps.
/// </summary>
[Trait(BrokerTrait.Name, BrokerTrait.EmbeddedOnly)]
public sealed class BrokerFaultTests(ITestOutputHelper output)
{
    private const short ProduceApi = 0;
    private const short FetchApi = 1;
    private const short OffsetCommitApi = 8;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("split")]
    [InlineData("fused")]
    public async Task Request_errors_leader_moves_and_broker_outages_are_recovered_from_without_help_and_lose_nothing(string topology)
    {
        // Fused: drift and recommend as one chain (one consumer of the embedded topic); Ingest cannot join
        // it without the Embedder, so the fused run has no raw stream.
        var fused = topology == "fused";
        var clock = Stopwatch.StartNew();
        void Note(string what) => output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s  {what}");
        using var cluster = new EmbeddedKafkaCluster(brokers: 3); // its own: these faults must not reach other tests
        var kafka = new KafkaOptions
        {
            BootstrapServers = cluster.BootstrapServers,
            Consumer = new Dictionary<string, string>(EmbeddedKafkaCluster.ConsumerSettings, StringComparer.Ordinal),
        };
        var run = FaultRun.Create(UniqueNames.Next("broker-faults") + "-", seed: 43, eventsPerUser: 100);
        run.CreateTopics((topic, partitions) => cluster.CreateTopic(topic, partitions));
        cluster.CreateTopic(run.Topics.Raw, partitions: 3);
        cluster.CreateTopic(run.Topics.Clean, partitions: 3);
        using var redis = await RedisServerProcess.StartAsync();
        using var connection = await RedisConnector.ConnectAsync(new RedisOptions { Configuration = redis.ConnectionString });
        var db = connection.GetDatabase();
        await run.World.WriteCatalogAsync(db);
        var raw = RawRecords(run.Prefix, 240);

        // Statistics older than 5 s count as disconnected: a stage blocked on unacknowledged output
        // serves no consumer callbacks, so its last statistics would otherwise look fine for 30 s.
        using var worker = WorkerProcess.Start(fused ? "drift,recommend" : "ingest,drift,recommend", cluster.BootstrapServers, redis.ConnectionString, run.Prefix, "unused.onnx",
            [.. FaultRun.WorkerSettings, "--Observability:KafkaStatisticsMaxAge=00:00:05", "--Ingest:MaxBatchSize=16", $"--Topology:Mode={topology}", FaultRun.OneRequestInFlight]);
        await worker.WaitForAsync("/readyz", HttpStatusCode.OK, Deadline);
        Note("worker ready");

        using var streaming = new CancellationTokenSource();
        var produced = new StrongBox<int>();
        var stream = run.StreamAsync(kafka, produced, streaming.Token);
        var rawStream = fused ? Task.CompletedTask : Task.Run(async () =>
        {
            using var client = new ProducerBuilder<byte[]?, byte[]?>(FaultRun.ProducerConfig(kafka)).Build();
            foreach (var chunk in raw.Chunk(3))
            {
                foreach (var (key, value) in chunk)
                {
                    client.Produce(run.Topics.Raw, new Message<byte[]?, byte[]?> { Key = key, Value = value });
                }

                await Task.Delay(100, streaming.Token); // the pace of the traffic
            }

            Assert.Equal(0, client.Flush(TimeSpan.FromSeconds(90)));
        }, streaming.Token);
        Task Reached(double share) => Eventually.TrueAsync(() => Volatile.Read(ref produced.Value) >= run.Events.Count * share, Deadline, $"{share:P0} of the stream produced");
        async Task<double> Restarts() => await FaultRun.MetricAsync(worker, "streamrec_stage_restarts_total");
        try
        {
            // 1. Request errors: the next produce, fetch and offset-commit requests of any client fail.
            await Reached(0.15);
            cluster.PushRequestErrors(ProduceApi, ErrorCode.NotEnoughReplicas, ErrorCode.RequestTimedOut, ErrorCode.NotLeaderForPartition, ErrorCode.NotEnoughReplicas);
            cluster.PushRequestErrors(FetchApi, ErrorCode.NotLeaderForPartition, ErrorCode.LeaderNotAvailable, ErrorCode.RequestTimedOut);
            cluster.PushRequestErrors(OffsetCommitApi, ErrorCode.RequestTimedOut, ErrorCode.GroupCoordinatorNotAvailable);
            Note("request errors injected");

            // 2. Every partition of the topics the stages read and write changes leader.
            await Reached(0.3);
            foreach (var (topic, partitions) in new[] { (run.Topics.Raw, 3), (run.Topics.Clean, 3), (run.Topics.Embedded, 4), (run.Topics.Mutations, 2), (run.Topics.Recommendations, 2) })
            {
                for (var p = 0; p < partitions; p++)
                {
                    cluster.SetPartitionLeader(topic, p, brokerId: ((p + 1) % 3) + 1);
                }
            }

            Note("leaders moved");

            // 3. One broker of three down: the partitions it leads stall; the consumers keep the others.
            await Reached(0.45);
            var restartsBefore = await Restarts();
            cluster.SetBrokerDown(2);
            var downAt = DateTimeOffset.UtcNow;
            Note("broker 2 down");
            (HttpStatusCode Status, DateTimeOffset CheckedAt, Dictionary<string, bool> Checks) seen = (0, default, []);
            await Eventually.TrueAsync(async () =>
            {
                Assert.False(worker.Process.HasExited, worker.Process.StandardOutput);
                seen = await FaultRun.ReadinessAsync(worker);
                return seen.CheckedAt > downAt + TimeSpan.FromSeconds(3); // the process has looked at its connections since
            }, Deadline, "a readiness report from well into the outage");
            // What is true of one broker of three: the consumers still have a broker connection up, so the
            // kafka check passes (unless a stage was restarting at that moment: then it has no consumer).
            Assert.True(seen.Checks.GetValueOrDefault("kafka") || await Restarts() > restartsBefore, $"kafka check failed with one broker of three down: {seen.Status}");
            Assert.Equal(HttpStatusCode.OK, (await worker.GetAsync("/healthz")).Status);
            cluster.SetBrokerUp(2);
            Note($"broker 2 up again; readiness during it: {seen.Status} ({string.Join(", ", seen.Checks.Select(c => $"{c.Key} {c.Value}"))})");

            // 4. Every broker down: the consumers lose their brokers, and readiness says so.
            await Reached(0.65);
            for (var b = 1; b <= 3; b++)
            {
                cluster.SetBrokerDown(b);
            }

            var allDownAt = clock.Elapsed;
            Note("all brokers down");
            await worker.WaitForAsync("/readyz", HttpStatusCode.ServiceUnavailable, Deadline,
                body => body.Contains("\"name\":\"kafka\",\"ok\":false", StringComparison.Ordinal));
            Assert.Equal(HttpStatusCode.OK, (await worker.GetAsync("/healthz")).Status);
            Note($"readyz 503 with kafka false after {(clock.Elapsed - allDownAt).TotalSeconds:0.0} s");
            for (var b = 1; b <= 3; b++)
            {
                cluster.SetBrokerUp(b);
            }

            var upAt = clock.Elapsed;
            await worker.WaitForAsync("/readyz", HttpStatusCode.OK, Deadline);
            Note($"readyz 200 again {(clock.Elapsed - upAt).TotalSeconds:0.0} s after the brokers came back");

            await stream;
            await rawStream;
            Note("streams produced");
            // Twice the deadline: after the outage a stage may be waiting out its restart backoff (up to 30 s).
            await Eventually.TrueAsync(async () =>
            {
                Assert.False(worker.Process.HasExited, $"the worker exited ({worker.Process.ExitCodeOrNone})\n{worker.Process.StandardOutput}");
                return await run.AllAppliedAsync(db);
            }, 2 * Deadline, () => $"every event applied; the worker's last lines:\n{string.Join('\n', worker.Process.StandardOutput.Split('\n').TakeLast(60))}");
            Note("all events applied");
        }
        finally
        {
            await streaming.CancelAsync();
        }

        var mutations = await run.AssertDriftMatchesReferenceAsync(kafka, db);
        await run.WaitUntilEachMutationAnsweredOnceAsync(kafka, db, mutations, Deadline);
        Note($"{mutations.Count} mutations, each answered once");

        if (!fused)
        {
            await AssertIngestLostNothingAsync(worker, kafka, run, raw);
        }

        var byStage = new List<string>();
        foreach (var stage in fused ? ["fused"] : new[] { "ingest", "drift", "recommend" })
        {
            byStage.Add($"{stage} {await FaultRun.MetricAsync(worker, "streamrec_stage_restarts_total", ("stage", stage))}");
        }

        Note($"stage restarts: {string.Join(", ", byStage)}");
        worker.Process.Terminate();
        await worker.Process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(worker.Process.ExitCode == 0, $"exit {worker.Process.ExitCode}\n{worker.Process.StandardOutput}\n{worker.Process.StandardError}");
    }

    private async Task AssertIngestLostNothingAsync(WorkerProcess worker, KafkaOptions kafka, FaultRun run, List<(byte[] Key, byte[] Value)> raw)
    {
        // Ingest lost nothing: every valid raw event is on the clean topic (once or, replayed, more), every invalid one in the DLQ.
        var valid = raw.Where(r => r.Value[0] == '{' && r.Value[^1] == '}').Select(r => JsonDocument.Parse(r.Value).RootElement.GetProperty("event_id").GetString()).ToHashSet(StringComparer.Ordinal);
        await Eventually.TrueAsync(async () => await FaultRun.MetricAsync(worker, "streamrec_events_consumed_total", ("stage", "ingest")) >= raw.Count,
            Deadline, "every raw record consumed by ingest");
        var clean = ByteRecords.ReadToEnd(kafka, run.Topics.Clean, TimeSpan.FromSeconds(30))
            .Select(r => JsonDocument.Parse(r.Message.Value).RootElement.GetProperty("event_id").GetString()).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(valid.Count, clean.Count); // clean event ids are keyed pseudonyms of the raw ones: distinct for distinct raw ids
        var deadLettered = ByteRecords.ReadToEnd(kafka, run.Topics.DeadLetter, TimeSpan.FromSeconds(30))
            .Where(r => Header(r, DeadLetterHeaders.SourceTopic) == run.Topics.Raw)
            .Select(r => Header(r, DeadLetterHeaders.SourceOffset) + "@" + Header(r, DeadLetterHeaders.SourcePartition)).Distinct().Count();
        Assert.Equal(raw.Count - valid.Count, deadLettered);

        // Counters reconcile: consumed = forwarded + dead-lettered, whatever restarts and lost partitions
        // the faults caused: the three count together when a batch completes, so a batch dropped before
        // it completes counts only once, when it is replayed. (Each is read by its own scrape: polled
        // until a replay still in flight has completed.)
        double consumed = 0, forwarded = 0, rejected = 0;
        await Eventually.TrueAsync(async () =>
        {
            consumed = await FaultRun.MetricAsync(worker, "streamrec_events_consumed_total", ("stage", "ingest"));
            forwarded = await FaultRun.MetricAsync(worker, "streamrec_events_forwarded_total", ("stage", "ingest"));
            rejected = await FaultRun.MetricAsync(worker, "streamrec_events_dead_lettered_total", ("stage", "ingest"));
            return consumed == forwarded + rejected;
        }, TimeSpan.FromSeconds(30), () => $"consumed {consumed} = forwarded {forwarded} + dead-lettered {rejected}");
        var ingestLostPartitions = Regex.IsMatch(worker.Process.StandardOutput, @"Stage ingest: \d+ partition\(s\) lost");
        output.WriteLine($"ingest: consumed {consumed} (replays included), forwarded {forwarded}, dead-lettered {rejected}; partitions lost: {ingestLostPartitions}");
    }

    /// <summary>Raw events of a few users, every eighth one broken (truncated JSON), in order.</summary>
    private static List<(byte[] Key, byte[] Value)> RawRecords(string prefix, int count) =>
    [
        .. Enumerable.Range(0, count).Select(i =>
        {
            var user = $"{prefix}person-{i % 6}";
            var json = JsonSerializer.Serialize(new RawEvent
            {
                EventId = $"{prefix}raw-{i}", UserId = user, ItemId = $"{prefix}item-{i % 17}", Type = "click",
                Ts = 1_600_000_000_000L + (i * 60_000L), Title = $"Film {i % 17}", Categories = ["Comedy"],
            }, ContractsJsonContext.Default.RawEvent);
            return (Encoding.UTF8.GetBytes(user), Encoding.UTF8.GetBytes(i % 8 == 7 ? json[..(json.Length / 2)] : json));
        }),
    ];

    private static string? Header(ConsumeResult<byte[]?, byte[]?> record, string name) =>
        record.Message.Headers.TryGetLastBytes(name, out var value) ? Encoding.UTF8.GetString(value) : null;
}
