using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using StreamRec.Contracts;
using StreamRec.DriftDetector.Stage;
using StreamRec.DriftDetector.State;
using StreamRec.Ingest;
using StreamRec.IntegrationTests.DriftDetector;
using StreamRec.IntegrationTests.Embedding;
using StreamRec.IntegrationTests.Hosting;
using StreamRec.IntegrationTests.Infrastructure;
using StreamRec.Messaging;
using StreamRec.Recommender.Ledger;
using Xunit.Abstractions;

namespace StreamRec.IntegrationTests.Reliability;

/// <summary>
/// Crash consistency of the whole pipeline as real processes, in both topologies, while raw events
/// stream in:
/// <list type="bullet">
/// <item>split: <c>streamrec run --stages ingest</c>, <c>embed</c>, <c>drift</c> and <c>recommend</c>,
/// each its own process; twelve times a stage (or all four at once: 18 processes in all) is killed;</item>
/// <item>fused: one <c>streamrec run --stages ingest,embed,drift,recommend</c> process (one consumer of
/// the raw topic, the stages in process), killed twelve times; it also writes the intermediate topics
/// (<c>Topology:WriteIntermediateTopics</c>) so that the copies its replays make can be counted. Also
/// with two chains in the process (<c>Topology:Chains</c>), each holding part of the raw partitions.</item>
/// </list>
/// Each kill is a SIGKILL at a random moment of the process's life, and the process is started again.
/// Every stage is at-least-once, so the kills leave copies on the topics; the end result must still be
/// that of one uninterrupted pass: each raw event applied to its user's state once, each mutation under
/// one id, each answered by one release charged once to the privacy ledger.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class PipelineKillTests(KafkaFixture kafka, RedisServerFixture redis, ITestOutputHelper output) : IClassFixture<RedisServerFixture>
{
    [Theory]
    [InlineData("split", 1)]
    [InlineData("fused", 1)]
    [InlineData("fused", 2)]
    public async Task Twelve_kill_9s_of_the_stage_processes_leave_one_application_per_event_one_id_per_mutation_and_one_charge_per_release(string topology, int chains)
    {
        var fused = topology == "fused";
        string[] processes = fused ? ["ingest,embed,drift,recommend"] : ["ingest", "embed", "drift", "recommend"];
        var prefix = UniqueNames.Next("pk") + "-";
        var topics = WorkerProcess.Topics(prefix);
        foreach (var topic in new[] { topics.Raw, topics.Clean, topics.Embedded })
        {
            kafka.CreateTopic(topic, partitions: 4);
        }

        foreach (var topic in new[] { topics.Mutations, topics.Recommendations, topics.DeadLetter, topics.Catalog })
        {
            kafka.CreateTopic(topic, partitions: 2);
        }

        var key = Enumerable.Range(40, 32).Select(i => (byte)i).ToArray();
        var pseudonymizer = new Pseudonymizer(key);
        using var encoder = new TestEncoder(prefix + "model");
        var events = SwitchingUsers(prefix, users: 16, eventsPerGenre: 60);
        var db = redis.Connection.GetDatabase();

        // The public catalog first: the films the events name are the only candidates (an item known
        // only from events never is one), and the embed worker reads the catalog topic by default.
        ByteRecords.ProduceAll(kafka.Options, topics.Catalog, [.. events.DistinctBy(e => e.ItemId).Select(e => new Message<byte[]?, byte[]?>
        {
            Key = Encoding.UTF8.GetBytes(e.ItemId),
            Value = JsonSerializer.SerializeToUtf8Bytes(
                new CatalogItemRecord { ItemId = e.ItemId, Title = e.Title, Categories = e.Categories }, ContractsJsonContext.Default.CatalogItemRecord),
        })]);

        // The stream: three events every 100 ms (about 64 s), so that every life of a stage meets traffic.
        var streaming = Task.Run(async () =>
        {
            using var client = new ProducerBuilder<byte[]?, byte[]?>(KafkaClientConfigs.Producer(kafka.Options)).Build();
            foreach (var chunk in events.Chunk(3))
            {
                foreach (var e in chunk)
                {
                    client.Produce(topics.Raw, new Message<byte[]?, byte[]?>
                    {
                        Key = Encoding.UTF8.GetBytes(e.UserId),
                        Value = JsonSerializer.SerializeToUtf8Bytes(e, ContractsJsonContext.Default.RawEvent),
                    });
                }

                await Task.Delay(100);
            }

            Assert.Equal(0, client.Flush(TimeSpan.FromSeconds(30)));
        });

        WorkerProcess Start(string stage) => WorkerProcess.StartWithKey(key, stage, kafka.BootstrapServers, redis.Server.ConnectionString, prefix, encoder.ModelPath,
            "--Ingest:MaxBatchSize=32", "--Embedder:MicroBatchSize=32", "--DriftDetector:MicroBatchSize=16", "--DriftDetector:MicroBatchWait=00:00:00.050",
            // The random 12-dimensional test encoder separates the genres less than the trained one: a more sensitive CUSUM.
            "--DriftDetector:Detection:CusumSlack=0.5", "--DriftDetector:Detection:CusumThreshold=6",
            // A budget no mutation of this test exhausts, and a catalog a restarted recommender reloads at once.
            "--Recommender:BudgetCap=1000", "--Recommender:CatalogRefreshInterval=00:00:01", "--Recommender:TopK=5",
            // Strict mode: the ledger's one charge per mutation is part of what a kill must not break.
            "--Recommender:Privacy:Mode=strict",
            $"--Topology:Mode={topology}", "--Topology:WriteIntermediateTopics=true", $"--Topology:Chains={chains}");

        var workers = processes.ToDictionary(s => s, Start);
        var random = new Random(23);
        // Split: each stage killed alone at least twice, and all four together twice. Fused: the one process, twelve times.
        var schedule = fused
            ? Enumerable.Repeat(processes[0], 12).ToList()
            : new[] { "ingest", "embed", "drift", "recommend", "all", "ingest", "embed", "drift", "recommend", "all", "ingest", "embed" }
                .OrderBy(_ => random.Next()).ToList();
        var kills = 0;
        try
        {
            foreach (var victim in schedule)
            {
                // Once the victims hold their partitions, a random moment of their work: mid-batch, between a
                // write and a commit, in a rebalance.
                foreach (var stage in victim == "all" ? processes : [victim])
                {
                    await workers[stage].WaitForAsync("/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(60));
                }

                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(200, 2500)));
                foreach (var stage in victim == "all" ? processes : [victim])
                {
                    var worker = workers[stage];
                    Assert.False(worker.Process.HasExited, $"{stage} exited by itself ({worker.Process.ExitCodeOrNone})\n{worker.Process.StandardOutput}");
                    worker.Dispose(); // SIGKILL: no shutdown, no commit
                    kills++;
                }

                foreach (var stage in victim == "all" ? processes : [victim])
                {
                    workers[stage] = Start(stage);
                }

                output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.f} killed and restarted {victim}");
            }

            await streaming;
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.f} stream produced; waiting for the last lives to finish it");

            var perUser = events.GroupBy(e => pseudonymizer.Pseudonymize(e.UserId)).ToDictionary(g => g.Key, g => g.Count());
            var store = new DriftStateStore(db, TimeSpan.FromDays(1));
            await Eventually.TrueAsync(async () =>
            {
                foreach (var (stage, worker) in workers)
                {
                    Assert.False(worker.Process.HasExited, $"{stage} exited ({worker.Process.ExitCodeOrNone})\n{worker.Process.StandardOutput}");
                }

                foreach (var (user, count) in perUser)
                {
                    // At least: an event applied twice must reach the assertions below, not time out here.
                    if (((await store.LoadAsync(user))?.State.Events ?? 0) < count)
                    {
                        return false;
                    }
                }

                return Answered(topics);
            }, TimeSpan.FromSeconds(150), "every event applied and every mutation answered");

            foreach (var (stage, worker) in workers)
            {
                worker.Process.Terminate();
                await worker.Process.WaitForExitAsync(TimeSpan.FromSeconds(60));
                Assert.True(worker.Process.ExitCode == 0, $"{stage} stopped with exit code {worker.Process.ExitCode}\n{worker.Process.StandardOutput}");
                if (fused)
                {
                    Assert.Contains($"fused in {chains} chain(s)", worker.Process.StandardOutput, StringComparison.Ordinal);
                }
            }
        }
        finally
        {
            foreach (var worker in workers.Values)
            {
                worker.Dispose();
            }
        }

        // Every raw event reached the embedded topic, some more than once (the copies the kills made):
        // the reference gives each event once, in the order of its first copy.
        var raw = ByteRecords.ReadToEnd(kafka.Options, topics.Raw, TimeSpan.FromSeconds(30));
        var embedded = ByteRecords.ReadToEnd(kafka.Options, topics.Embedded, TimeSpan.FromSeconds(30))
            .Select(r => (Partition: r.Partition.Value, Offset: r.Offset.Value, Event: EmbeddedEventCodec.Read(r.Message.Value)))
            .OrderBy(x => x.Partition).ThenBy(x => x.Offset).ToList();
        var firstCopies = embedded.DistinctBy(x => x.Event.Origin).ToList();
        Assert.Equal(
            raw.Select(r => new EventOrigin(r.Partition.Value, r.Offset.Value)).Order(OriginOrder),
            firstCopies.Select(x => x.Event.Origin!).Order(OriginOrder));
        output.WriteLine($"{raw.Count} raw events; {embedded.Count - firstCopies.Count} copies on the embedded topic; {kills} processes killed");
        Assert.True(embedded.Count > firstCopies.Count, "no kill of Ingest or the Embedder left a copy on the embedded topic: the test did not test what it is for");
        Assert.Empty(ByteRecords.ReadToEnd(kafka.Options, topics.DeadLetter, TimeSpan.FromSeconds(10)));

        // The stored state is the reference's, exactly: no event applied twice, none lost.
        var reference = new DriftReference(new DriftDetectorOptions { Detection = new() { CusumSlack = 0.5, CusumThreshold = 6 } }.Detection, firstCopies);
        foreach (var (user, expected) in reference.States)
        {
            var state = await new DriftStateStore(db, TimeSpan.FromDays(1)).LoadAsync(user);
            Assert.NotNull(state);
            DriftReference.AssertSame(expected, state.State, user);
        }

        // Mutations: the reference's ids, every copy of one the same record.
        var mutations = ByteRecords.ReadToEnd(kafka.Options, topics.Mutations, TimeSpan.FromSeconds(30))
            .Select(r => JsonSerializer.Deserialize(r.Message.Value, ContractsJsonContext.Default.MutationRecord)!).ToList();
        Assert.NotEmpty(reference.MutationIds);
        Assert.Equal(reference.MutationIds.Order(StringComparer.Ordinal), mutations.Select(m => m.MutationId).Distinct().Order(StringComparer.Ordinal));
        foreach (var copies in mutations.GroupBy(m => m.MutationId))
        {
            Assert.Single(copies.Select(m => (m.User, m.EventId, m.Score, m.Explanation.Summary, string.Join(",", m.Interest))).Distinct());
        }

        // Releases: one per mutation, every copy byte for byte the same, charged once in the user's ledger.
        var releases = ByteRecords.ReadToEnd(kafka.Options, topics.Recommendations, TimeSpan.FromSeconds(30));
        Assert.Equal(reference.MutationIds.Order(StringComparer.Ordinal), ReleaseIds(releases).Distinct().Order(StringComparer.Ordinal));
        foreach (var copies in releases.GroupBy(r => ReleaseIds([r]).Single()))
        {
            Assert.Single(copies.Select(r => Convert.ToBase64String(r.Message.Value!)).Distinct());
        }

        foreach (var user in mutations.Select(m => m.User).Distinct())
        {
            // Ledger fields e:<release id> = "time:epsilon:spent after it".
            var charged = (await db.HashGetAllAsync(PrivacyLedger.Key(user)))
                .Where(f => ((string)f.Name!).StartsWith("e:", StringComparison.Ordinal))
                .Select(f => (Id: ((string)f.Name!)[2..], Entry: ((string)f.Value!).Split(':').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()))
                .ToList();
            var released = mutations.Where(m => m.User == user).Select(m => m.MutationId).Distinct().Order(StringComparer.Ordinal);
            Assert.Equal(released, charged.Select(c => c.Id).Order(StringComparer.Ordinal));
            Assert.Equal(charged.Sum(c => c.Entry[1]), charged.Max(c => c.Entry[2]), 9); // what was spent is the sum of one charge per release
        }

        Assert.Equal(fused ? 12 : 18, kills);
    }

    /// <summary>Whether there are mutations and every one published so far has a release.</summary>
    private bool Answered(TopicNames topics)
    {
        var mutations = ByteRecords.ReadToEnd(kafka.Options, topics.Mutations, TimeSpan.FromSeconds(10))
            .Select(r => JsonSerializer.Deserialize(r.Message.Value, ContractsJsonContext.Default.MutationRecord)!.MutationId).ToHashSet(StringComparer.Ordinal);
        var released = ReleaseIds(ByteRecords.ReadToEnd(kafka.Options, topics.Recommendations, TimeSpan.FromSeconds(10))).ToHashSet(StringComparer.Ordinal);
        return mutations.Count > 0 && mutations.IsSubsetOf(released);
    }

    private static IEnumerable<string> ReleaseIds(IEnumerable<ConsumeResult<byte[]?, byte[]?>> releases) =>
        releases.Select(r => JsonSerializer.Deserialize(r.Message.Value, ContractsJsonContext.Default.RecommendationRecord)!.ReleaseId);

    private static readonly Comparer<EventOrigin> OriginOrder = Comparer<EventOrigin>.Create((a, b) => (a.Partition, a.Offset).CompareTo((b.Partition, b.Offset)));

    /// <summary>Users who watch comedies, then horror films, interleaved; items share genre, decade and title words.</summary>
    private static List<RawEvent> SwitchingUsers(string prefix, int users, int eventsPerGenre)
    {
        var events = new List<RawEvent>();
        for (var i = 0; i < 2 * eventsPerGenre; i++)
        {
            for (var u = 0; u < users; u++)
            {
                var horror = i >= eventsPerGenre;
                var item = ((i * 7) + (u * 3)) % 25;
                events.Add(new RawEvent
                {
                    EventId = $"{prefix}person-{u}-{i}",
                    UserId = $"{prefix}person-{u}",
                    ItemId = $"{prefix}{(horror ? "h" : "c")}{item}",
                    Type = "purchase",
                    Ts = 1_600_000_000_000L + (i * 60_000L),
                    Title = horror ? $"Night Scream {item} (2010)" : $"Happy Laugh {item} (1990)",
                    Categories = [horror ? "Horror" : "Comedy"],
                });
            }
        }

        return events;
    }
}
