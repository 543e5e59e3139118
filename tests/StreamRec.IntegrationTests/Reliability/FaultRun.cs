using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Confluent.Kafka;
using StackExchange.Redis;
using StreamRec.Contracts;
using StreamRec.DriftDetector.Stage;
using StreamRec.DriftDetector.State;
using StreamRec.IntegrationTests.DriftDetector;
using StreamRec.IntegrationTests.Embedding;
using StreamRec.IntegrationTests.Hosting;
using StreamRec.IntegrationTests.Infrastructure;
using StreamRec.Messaging;
using StreamRec.Recommender.Ledger;

namespace StreamRec.IntegrationTests.Reliability;

/// <summary>
/// What the fault tests share: a paced stream of embedded events for a few users whose interests
/// change, a look at a worker's <c>/readyz</c> and <c>/metrics</c>, and the end-of-run checks against
/// the uninterrupted reference (<see cref="DriftReference"/>): the drift state, the mutation ids, and
/// each mutation answered once in the privacy ledger.
/// </summary>
internal sealed class FaultRun
{
    /// <summary>Epsilon of one release with the settings of <see cref="WorkerSettings"/> (selection only, no scores).</summary>
    public const double EpsilonPerRelease = 1.0;

    private FaultRun(string prefix, GenreWorld world, List<List<EmbeddedEvent>> histories)
    {
        Prefix = prefix;
        Topics = WorkerProcess.Topics(prefix);
        World = world;
        Histories = histories;
        Events = [.. Enumerable.Range(0, histories[0].Count).SelectMany(i => histories.Select(h => h[i]))];
    }

    /// <summary>
    /// Small batches (many batches, so a fault meets one in every phase) and a budget no user reaches
    /// (every mutation is released, so the ledger must hold exactly one charge per mutation; strict mode,
    /// since joint mode has no ledger to check).
    /// </summary>
    public static readonly string[] WorkerSettings =
    [
        "--DriftDetector:MicroBatchSize=16", "--DriftDetector:MicroBatchWait=00:00:00.050",
        "--Recommender:MicroBatchSize=8", "--Recommender:BudgetCap=1000", "--Recommender:TopK=5",
        "--Recommender:EpsilonSelection=1", "--Recommender:PublishScores=false", "--Recommender:Privacy:Mode=strict",
    ];

    public string Prefix { get; }

    public TopicNames Topics { get; }

    public GenreWorld World { get; }

    /// <summary>Each user's events, in order: four who switch genre halfway, four who do not.</summary>
    public List<List<EmbeddedEvent>> Histories { get; }

    /// <summary>The users' events interleaved, as they are produced.</summary>
    public List<EmbeddedEvent> Events { get; }

    public static FaultRun Create(string prefix, int seed, int eventsPerUser)
    {
        var world = new GenreWorld(prefix, seed);
        var half = eventsPerUser / 2;
        var histories = new[] { ("Comedy", "Horror"), ("Romance", "Thriller"), ("Western", "Animation"), ("Drama", "Comedy") }
            .Select((s, i) => world.Events($"{prefix}switcher-{i}", half, 0, s.Item1).Concat(world.Events($"{prefix}switcher-{i}", eventsPerUser - half, half, s.Item2)).ToList())
            .Concat(Enumerable.Range(0, 4).Select(i => world.Events($"{prefix}steady-{i}", eventsPerUser, 0, GenreWorld.Genres[i], GenreWorld.Genres[i + 4])))
            .ToList();
        return new FaultRun(prefix, world, histories);
    }

    /// <summary>Creates the run's topics with <paramref name="createTopic"/> (topic, partitions): the fixture's or a cluster's own.</summary>
    public void CreateTopics(Action<string, int> createTopic)
    {
        createTopic(Topics.Embedded, 4);
        createTopic(Topics.Mutations, 2);
        createTopic(Topics.Recommendations, 2);
        createTopic(Topics.DeadLetter, 1);
    }

    /// <summary>
    /// Produces <see cref="Events"/> a chunk every 100 ms (the pace of the traffic, not a wait), so that
    /// the faults meet a pipeline at work; <paramref name="produced"/> counts what was handed to the client.
    /// </summary>
    public Task StreamAsync(KafkaOptions kafka, StrongBox<int> produced, CancellationToken cancellationToken) => Task.Run(async () =>
    {
        using var client = new ProducerBuilder<byte[]?, byte[]?>(ProducerConfig(kafka)).Build();
        var failures = new ConcurrentQueue<string>();
        foreach (var chunk in Events.Chunk(8))
        {
            foreach (var e in chunk)
            {
                client.Produce(Topics.Embedded, GenreWorld.Message(e), report =>
                {
                    if (report.Error.IsError)
                    {
                        failures.Enqueue($"{report.Error.Code}: {report.Error.Reason}");
                    }
                });
            }

            Interlocked.Add(ref produced.Value, chunk.Length);
            await Task.Delay(100, cancellationToken);
        }

        // Outlasts any outage the tests inject; a record not delivered fails the test here.
        if (client.Flush(TimeSpan.FromSeconds(90)) > 0 || !failures.IsEmpty)
        {
            throw new InvalidOperationException(
                $"The test's own producer could not deliver the stream: {failures.Count} delivery error(s): {string.Join("; ", failures.Distinct())}");
        }
    }, cancellationToken);

    /// <summary>
    /// The product's producer settings with one request in flight per broker, for a test's own producer
    /// (and, as <see cref="OneRequestInFlight"/>, for a worker) where the embedded broker injects produce
    /// errors. The mock broker checks the sequence numbers of a transactional producer only, not of an
    /// idempotent one: when an injected error fails one produce request and the request pipelined behind
    /// it succeeds, librdkafka takes the failed batch for delivered ("implicitly acked by subsequent batch
    /// success", as a real broker's sequence check entitles it to) and the batch is lost with a successful
    /// delivery report. A real broker refuses the later batch (OUT_OF_ORDER_SEQUENCE_NUMBER) and both are
    /// sent again. One request in flight keeps the injected errors and their retries, without the case the
    /// mock gets wrong.
    /// </summary>
    public static ProducerConfig ProducerConfig(KafkaOptions kafka)
    {
        var config = KafkaClientConfigs.Producer(kafka);
        config.MaxInFlight = 1;
        return config;
    }

    /// <summary><see cref="ProducerConfig"/>'s setting for a worker's producers, as a command-line setting.</summary>
    public const string OneRequestInFlight = "--Kafka:Producer:max.in.flight.requests.per.connection=1";

    /// <summary>Whether Redis holds every event of every user (the last life applied the whole stream).</summary>
    public async Task<bool> AllAppliedAsync(IDatabase db)
    {
        var store = new DriftStateStore(db, TimeSpan.FromDays(1));
        foreach (var history in Histories)
        {
            if ((await store.LoadAsync(history[0].User))?.State.Events != history.Count)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The drift state of every user equals the uninterrupted reference over the embedded topic as
    /// stored; the mutations topic holds exactly the reference's mutation ids (duplicates, from a replay,
    /// identical). Returns the published mutations, one per id.
    /// </summary>
    public async Task<List<MutationRecord>> AssertDriftMatchesReferenceAsync(KafkaOptions kafka, IDatabase db)
    {
        var stored = ByteRecords.ReadToEnd(kafka, Topics.Embedded, TimeSpan.FromSeconds(30))
            .Select(r => (r.Partition.Value, r.Offset.Value, EmbeddedEventCodec.Read(r.Message.Value))).ToList();
        Assert.Equal(Events.Count, stored.Count); // the test's producer is idempotent: each event once
        var reference = new DriftReference(new DriftDetectorOptions().Detection, stored);
        var states = new DriftStateStore(db, TimeSpan.FromDays(1));
        foreach (var (user, expected) in reference.States)
        {
            var state = await states.LoadAsync(user);
            Assert.NotNull(state);
            DriftReference.AssertSame(expected, state.State, user); // no event applied twice, none lost
        }

        var mutations = ByteRecords.ReadToEnd(kafka, Topics.Mutations, TimeSpan.FromSeconds(30))
            .Select(r => JsonSerializer.Deserialize(r.Message.Value, ContractsJsonContext.Default.MutationRecord)!).ToList();
        Assert.NotEmpty(reference.MutationIds);
        Assert.Equal(reference.MutationIds.Order(StringComparer.Ordinal), mutations.Select(m => m.MutationId).Distinct().Order(StringComparer.Ordinal));
        foreach (var copies in mutations.GroupBy(m => m.MutationId).Where(g => g.Count() > 1))
        {
            Assert.Single(copies.Select(m => (m.User, m.Source, m.Score, m.Explanation.Summary, string.Join(",", m.Interest))).Distinct());
        }

        return [.. mutations.GroupBy(m => m.MutationId).Select(g => g.First())];
    }

    /// <summary>
    /// Every mutation was answered by exactly one release: the recommendations topic holds one record per
    /// mutation id (a republished one is byte for byte the stored release), and each user's ledger holds
    /// one charge per mutation and has spent exactly that many releases' epsilon: no double charge.
    /// </summary>
    public async Task AssertEachMutationAnsweredOnceAsync(KafkaOptions kafka, IDatabase db, IReadOnlyList<MutationRecord> mutations)
    {
        var releases = ByteRecords.ReadToEnd(kafka, Topics.Recommendations, TimeSpan.FromSeconds(30));
        var byMutation = releases
            .Select(r => (Record: JsonSerializer.Deserialize(r.Message.Value, ContractsJsonContext.Default.RecommendationRecord)!, Bytes: r.Message.Value!))
            .GroupBy(r => r.Record.MutationId ?? "", StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        Assert.Equal(mutations.Select(m => m.MutationId).Order(StringComparer.Ordinal), byMutation.Keys.Order(StringComparer.Ordinal));
        foreach (var (id, copies) in byMutation)
        {
            Assert.True(copies.Select(c => Convert.ToBase64String(c.Bytes)).Distinct().Count() == 1, $"release of {id} published with different contents");
        }

        var ledger = new PrivacyLedger(db, TimeSpan.FromDays(1), 1000, TimeProvider.System);
        foreach (var user in mutations.GroupBy(m => m.User))
        {
            var charged = (await db.HashKeysAsync(PrivacyLedger.Key(user.Key))).Select(k => (string)k!)
                .Where(k => k.StartsWith("e:", StringComparison.Ordinal)).Select(k => k[2..]).Order(StringComparer.Ordinal);
            Assert.Equal(user.Select(m => m.MutationId).Order(StringComparer.Ordinal), charged);
            Assert.Equal(user.Count() * EpsilonPerRelease, await ledger.SpentAsync(user.Key), 9);
        }
    }

    /// <summary>Polls <see cref="AssertEachMutationAnsweredOnceAsync"/> until it holds (the last releases may still be on their way); fails with its last complaint.</summary>
    public async Task WaitUntilEachMutationAnsweredOnceAsync(KafkaOptions kafka, IDatabase db, IReadOnlyList<MutationRecord> mutations, TimeSpan timeout)
    {
        Exception? last = null;
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await AssertEachMutationAnsweredOnceAsync(kafka, db, mutations);
                return true;
            }
            catch (Xunit.Sdk.XunitException e)
            {
                last = e;
                return false;
            }
        }, timeout, () => $"each mutation answered once: {last?.Message}");
    }

    /// <summary>The worker's <c>/readyz</c>: the HTTP status and each check's outcome.</summary>
    public static async Task<(HttpStatusCode Status, DateTimeOffset CheckedAt, Dictionary<string, bool> Checks)> ReadinessAsync(WorkerProcess worker)
    {
        var (status, body) = await worker.GetAsync("/readyz");
        if (status == 0)
        {
            return (status, default, []);
        }

        using var json = JsonDocument.Parse(body);
        var checks = json.RootElement.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("ok").GetBoolean(), StringComparer.Ordinal);
        return (status, json.RootElement.GetProperty("checked_at").GetDateTimeOffset(), checks);
    }

    /// <summary>The sum of a metric's series on <c>/metrics</c> whose labels include <paramref name="labels"/> (0 when there is none).</summary>
    public static async Task<double> MetricAsync(WorkerProcess worker, string name, params (string Label, string Value)[] labels)
    {
        var text = (await worker.GetAsync("/metrics")).Body;
        var sum = 0.0;
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(name + "{", StringComparison.Ordinal) && !line.StartsWith(name + " ", StringComparison.Ordinal))
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            var series = line[..space];
            if (labels.All(l => series.Contains($"{l.Label}=\"{l.Value}\"", StringComparison.Ordinal)))
            {
                sum += double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }
}
