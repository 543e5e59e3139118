using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using StreamRec.Contracts;
using StreamRec.DriftDetector.Stage;
using StreamRec.DriftDetector.State;
using StreamRec.Embedder.Embedding;
using StreamRec.Embedder.Stage;
using StreamRec.Ingest;
using StreamRec.IntegrationTests.Embedding;
using StreamRec.IntegrationTests.Infrastructure;
using StreamRec.IntegrationTests.Kafka;
using StreamRec.Messaging;
using StreamRec.Messaging.Stages;
using StreamRec.Recommender.Catalog;
using StreamRec.Recommender.Ledger;
using StreamRec.Recommender.Privacy;
using StreamRec.Recommender.Stage;
using StreamRec.Storage;

namespace StreamRec.IntegrationTests.Pipeline;

/// <summary>All four stages together, from raw events to private recommendations, through the real embedded broker and a real redis-server.</summary>
[Collection(KafkaCollection.Name)]
public sealed class FourStagePipelineTests(KafkaFixture kafka, RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly byte[] Key = Enumerable.Range(7, 32).Select(i => (byte)i).ToArray();

    [Theory]
    [InlineData("split")]
    [InlineData("fused")]
    [InlineData("mixed")]
    public async Task Raw_events_in_explained_mutations_and_private_recommendations_out_with_no_raw_id_anywhere_downstream(string topology)
    {
        var prefix = UniqueNames.Next("p4") + "-";
        var topics = Topics(prefix);
        var users = Users(prefix);
        var events = SwitchingEvents(prefix, users, eventOnlyItems: false);
        var db = redis.Connection.GetDatabase();
        using var counters = new CounterCapture();
        var (decodedMutations, decodedReleases, _) = await RunAsync(prefix, topics, PublicCatalog(prefix), events, new RecommenderOptions { TopK = 5, EpsilonSelection = 2, Privacy = { Mode = RecommenderPrivacyOptions.StrictMode } }, counters, topology);
        long Consumed(string stage) => counters.Get("streamrec_events_consumed_total", "stage", stage);

        var pseudonymizer = new Pseudonymizer(Key);
        var mutations = ByteRecords.ReadToEnd(kafka.Options, topics.Mutations, TimeSpan.FromSeconds(60));
        var releases = ByteRecords.ReadToEnd(kafka.Options, topics.Recommendations, TimeSpan.FromSeconds(60));

        // Most users' switch is found (the untrained encoder makes it less clear than the trained one),
        // explained as such, and every mutation is answered by one release.
        Assert.InRange(decodedMutations.Select(m => m.User).Distinct().Count(), 4, 6);
        Assert.All(decodedMutations, m => Assert.Contains(m.User, users.Select(pseudonymizer.Pseudonymize)));
        Assert.All(decodedMutations, m => Assert.Equal(("Horror", "Comedy"), (m.Explanation.Gained[0].Category, m.Explanation.Lost[0].Category)));
        Assert.Equal(decodedMutations.Select(m => m.MutationId).Order(), decodedReleases.Select(r => r.MutationId!).Order());
        Assert.All(decodedReleases, r => Assert.Equal(5, r.Items.Count));

        // No raw user id in any record of any topic after Ingest, nor in any Redis key or value.
        var downstream = ByteRecords.ReadToEnd(kafka.Options, topics.Clean, TimeSpan.FromSeconds(60))
            .Concat(ByteRecords.ReadToEnd(kafka.Options, topics.Embedded, TimeSpan.FromSeconds(60)))
            .Concat(mutations).Concat(releases).ToList();
        var server = redis.Connection.GetServer(redis.Server.ConnectionString);
        var redisEntries = new List<byte[]>();
        foreach (var key in server.Keys(pattern: "*", pageSize: 1000))
        {
            redisEntries.Add(Encoding.UTF8.GetBytes((string)key!));
            var type = await db.KeyTypeAsync(key);
            if (type == RedisType.String)
            {
                redisEntries.Add((byte[])(await db.StringGetAsync(key))!);
            }
            else if (type == RedisType.Hash)
            {
                redisEntries.AddRange((await db.HashGetAllAsync(key)).Select(e => (byte[])e.Value!));
            }
        }

        foreach (var needle in users.Select(Encoding.UTF8.GetBytes))
        {
            Assert.DoesNotContain(downstream, r => r.Message.Key!.AsSpan().IndexOf(needle) >= 0 || r.Message.Value!.AsSpan().IndexOf(needle) >= 0);
            Assert.DoesNotContain(redisEntries, entry => entry.AsSpan().IndexOf(needle) >= 0);
        }

        // Every stage's counts reconcile.
        Assert.Equal(events.Count, Consumed(IngestProcessor.Stage));
        Assert.Equal(events.Count, Consumed(EmbedderProcessor.Stage));
        Assert.Equal(decodedMutations.Count, Consumed(RecommenderProcessor.Stage));
        Assert.Equal(events.Count, counters.Total("streamrec_drift_events_applied_total"));
        Assert.Equal(decodedMutations.Count, counters.Total("streamrec_recommendations_published_total"));
    }

    /// <summary>
    /// Candidates come from the public catalog only. Each user's horror phase also names an item of
    /// their own that is on no catalog (a film only their events mention, with a horror title, so that it
    /// would score among the best): it must never be a candidate, never appear in a release, and the
    /// releases' <c>candidates</c> must be the public catalog's size, not the number of distinct items in
    /// the stream. Before candidates were restricted to the catalog topic, every item of every event was
    /// one, and this test failed on all three counts.
    /// </summary>
    [Fact]
    public async Task An_item_seen_only_in_events_is_never_a_candidate_and_releases_count_only_the_public_catalog()
    {
        var prefix = UniqueNames.Next("p4pub") + "-";
        var topics = Topics(prefix);
        var users = Users(prefix);
        var events = SwitchingEvents(prefix, users, eventOnlyItems: true);
        var catalog = PublicCatalog(prefix);
        var eventOnly = events.Select(e => e.ItemId).Distinct().Except(catalog.Select(c => c.ItemId)).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(users.Count, eventOnly.Count); // one item of their own per user
        using var counters = new CounterCapture();
        // A large epsilon: the noisy selection is, with overwhelming probability, the noiseless one, in
        // which the users' own horror items would rank high if they were candidates.
        var options = new RecommenderOptions { TopK = 5, EpsilonSelection = 400, BudgetCap = 10_000, Privacy = { Mode = RecommenderPrivacyOptions.StrictMode } };

        var (mutations, releases, modelVersion) = await RunAsync(prefix, topics, catalog, events, options, counters);

        var db = redis.Connection.GetDatabase();
        var candidates = (await db.SetMembersAsync(ItemCatalogKeys.ItemsOfModel(modelVersion))).Select(m => (string)m!).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(catalog.Select(c => c.ItemId).Order(), candidates.Order());
        Assert.NotEmpty(mutations);
        Assert.Equal(mutations.Select(m => m.MutationId).Order(), releases.Select(r => r.MutationId!).Order());
        Assert.All(releases, r => Assert.DoesNotContain(r.Items, i => eventOnly.Contains(i.ItemId)));
        Assert.All(releases, r => Assert.Equal(catalog.Count, r.Mechanism.Candidates));
        Assert.All(releases, r => Assert.Equal(options.TopK, r.Items.Count));

        // Nothing about the event-only items is kept in Redis at all.
        foreach (var item in eventOnly)
        {
            Assert.Empty(redis.Connection.GetServer(redis.Server.ConnectionString).Keys(pattern: $"*{item}*"));
        }
    }

    private static TopicNames Topics(string prefix) => new()
    {
        Raw = prefix + "raw", Clean = prefix + "clean", Embedded = prefix + "embedded", DeadLetter = prefix + "dlq",
        Mutations = prefix + "mutations", Recommendations = prefix + "recommendations", Catalog = prefix + "catalog", Billboard = prefix + "billboard",
    };

    private static List<string> Users(string prefix) => [.. Enumerable.Range(0, 6).Select(u => $"{prefix}raw-person-{u}")];

    private static string ComedyTitle(int item) => $"Happy Laugh {item} (1990)";

    private static string HorrorTitle(int item) => $"Night Scream {item} (2010)";

    /// <summary>The public catalog: the 25 comedies and 25 horror films the events name.</summary>
    private static List<CatalogItemRecord> PublicCatalog(string prefix) =>
    [
        .. Enumerable.Range(0, 25).Select(i => new CatalogItemRecord { ItemId = $"{prefix}c{i}", Title = ComedyTitle(i), Categories = ["Comedy"] }),
        .. Enumerable.Range(0, 25).Select(i => new CatalogItemRecord { ItemId = $"{prefix}h{i}", Title = HorrorTitle(i), Categories = ["Horror"] }),
    ];

    /// <summary>
    /// Six users, each 60 comedies then 60 horror films. Each group shares its genre, decade and title
    /// words, so that even an untrained encoder puts the groups far apart. With
    /// <paramref name="eventOnlyItems"/>, every fourth horror event of a user names instead an item of
    /// that user's own that no catalog holds.
    /// </summary>
    private static List<RawEvent> SwitchingEvents(string prefix, List<string> users, bool eventOnlyItems)
    {
        var events = new List<RawEvent>();
        for (var i = 0; i < 120; i++)
        {
            foreach (var (user, u) in users.Select((user, u) => (user, u)))
            {
                var horror = i >= 60;
                var item = ((i * 7) + (u * 3)) % 25;
                var own = eventOnlyItems && horror && i % 4 == 0;
                events.Add(new RawEvent
                {
                    EventId = $"{user}-{i}",
                    UserId = user,
                    ItemId = own ? $"{prefix}own-{u}" : $"{prefix}{(horror ? "h" : "c")}{item}",
                    Type = "purchase",
                    Ts = 1_600_000_000_000L + (i * 60_000L),
                    Title = own ? HorrorTitle(100 + u) : horror ? HorrorTitle(item) : ComedyTitle(item),
                    Categories = [horror ? "Horror" : "Comedy"],
                });
            }
        }

        return events;
    }

    /// <summary>
    /// Runs the four stages (the Embedder with its catalog loop) until every event is applied and every
    /// mutation answered: the catalog is published first and stored before the events are produced.
    /// <paramref name="topology"/> "split": each stage consumes its own topic; "fused": one loop consumes the
    /// raw topic and hands each batch through the four in process (the clean and embedded topics stay
    /// empty); "mixed": Ingest, the Embedder and the DriftDetector fused, the Recommender on its own, as
    /// in a deployment that runs the recommend stage elsewhere.
    /// </summary>
    private async Task<(List<MutationRecord> Mutations, List<RecommendationRecord> Releases, string ModelVersion)> RunAsync(
        string prefix, TopicNames topics, List<CatalogItemRecord> catalog, List<RawEvent> events, RecommenderOptions recommender, CounterCapture counters, string topology = "split")
    {
        foreach (var topic in topics.All)
        {
            kafka.CreateTopic(topic, partitions: 2);
        }

        var db = redis.Connection.GetDatabase();
        using var encoder = new TestEncoder(prefix + "model");
        using var service = EmbeddingService.Load(encoder.Options());
        // The test encoder is random and 12-dimensional, so the two groups are less far apart than with the
        // trained one: a more sensitive CUSUM, since this test is about the pipeline, not detection quality.
        var drift = new DriftDetectorOptions { Detection = new() { CusumSlack = 0.5, CusumThreshold = 6 } };
        using var stop = new CancellationTokenSource();
        var recommenderMetrics = new RecommenderMetrics(counters.Metrics);
        StageLoop Loop(string input, IBatchProcessor processor) =>
            new(kafka.Options, new StageLoopOptions { InputTopic = input, GroupId = UniqueNames.Next(processor.StageName), MaxBatchSize = 64 }, processor,
                counters.Metrics, counters.Consumers, NullLogger.Instance);
        FusedLink[] chain =
        [
            new(new IngestProcessor(new RawEventValidator(new IngestOptions { PseudonymKey = Convert.ToBase64String(Key) }, TimeProvider.System), new Pseudonymizer(Key), topics, TimeProvider.System), topics.Raw),
            new(new EmbedderProcessor(service, topics, TimeProvider.System, NullLogger.Instance), topics.Clean),
            new(new DriftProcessor(drift, new DriftStateStore(db, TimeSpan.FromDays(1)), new ItemCatalogReader(db), topics, new DriftMetrics(counters.Metrics), TimeProvider.System, NullLogger.Instance), topics.Embedded),
            new(new RecommenderProcessor(
                new ReleaseMaker(recommender, new ItemCatalogCache(db, TimeSpan.Zero, TimeProvider.System), new PrivacyLedger(db, recommender.BudgetWindow, recommender.BudgetCap, TimeProvider.System),
                    new CryptoRandomSource(), TimeProvider.System, NullLogger.Instance, metrics: recommenderMetrics),
                topics, recommenderMetrics, TimeProvider.System, NullLogger.Instance), topics.Mutations),
        ];
        var catalogLoop = Loop(topics.Catalog, new CatalogProcessor(service, new ItemCatalogWriter(db, TimeProvider.System), topics, new EmbedderMetrics(counters.Metrics), TimeProvider.System, NullLogger.Instance));
        Task[] stages = topology switch
        {
            "fused" => [Loop(topics.Raw, new FusedProcessor(chain, topics, counters.Metrics)).RunAsync(stop.Token), catalogLoop.RunAsync(stop.Token)],
            "mixed" =>
            [
                Loop(topics.Raw, new FusedProcessor(chain[..3], topics, counters.Metrics)).RunAsync(stop.Token),
                Loop(topics.Mutations, chain[3].Processor).RunAsync(stop.Token),
                catalogLoop.RunAsync(stop.Token),
            ],
            _ => [.. chain.Select(link => Loop(link.InputTopic, link.Processor).RunAsync(stop.Token)), catalogLoop.RunAsync(stop.Token)],
        };

        long Consumed(string stage) => counters.Get("streamrec_events_consumed_total", "stage", stage);
        KafkaTestClients.ProduceAll(kafka.Options, topics.Catalog, catalog.Select(c => new Message<byte[]?, byte[]?>
        {
            Key = Encoding.UTF8.GetBytes(c.ItemId),
            Value = JsonSerializer.SerializeToUtf8Bytes(c, ContractsJsonContext.Default.CatalogItemRecord),
        }));
        await Eventually.TrueAsync(
            () => stages.Any(s => s.IsCompleted) || Consumed(CatalogProcessor.Stage) == catalog.Count,
            TimeSpan.FromSeconds(60),
            () => $"the catalog stored ({Consumed(CatalogProcessor.Stage)} of {catalog.Count})");

        KafkaTestClients.ProduceAll(kafka.Options, topics.Raw, events.Select(e => new Message<byte[]?, byte[]?>
        {
            Key = Encoding.UTF8.GetBytes(e.UserId),
            Value = JsonSerializer.SerializeToUtf8Bytes(e, ContractsJsonContext.Default.RawEvent),
        }));
        await Eventually.TrueAsync(
            () => stages.Any(s => s.IsCompleted)
                || (Consumed(DriftProcessor.Stage) == events.Count && Consumed(RecommenderProcessor.Stage) == counters.Total("streamrec_mutations_total")),
            TimeSpan.FromSeconds(120),
            () => $"all stages done (ingest {Consumed(IngestProcessor.Stage)}, embed {Consumed(EmbedderProcessor.Stage)}, drift {Consumed(DriftProcessor.Stage)} of {events.Count}, " +
                  $"recommend {Consumed(RecommenderProcessor.Stage)} of {counters.Total("streamrec_mutations_total")})");
        await stop.CancelAsync();
        await Task.WhenAll(stages);

        var mutations = ByteRecords.ReadToEnd(kafka.Options, topics.Mutations, TimeSpan.FromSeconds(60))
            .Select(r => JsonSerializer.Deserialize(r.Message.Value, ContractsJsonContext.Default.MutationRecord)!).ToList();
        var releases = ByteRecords.ReadToEnd(kafka.Options, topics.Recommendations, TimeSpan.FromSeconds(60))
            .Select(r => JsonSerializer.Deserialize(r.Message.Value, ContractsJsonContext.Default.RecommendationRecord)!).ToList();
        return (mutations, releases, service.ModelVersion);
    }
}
