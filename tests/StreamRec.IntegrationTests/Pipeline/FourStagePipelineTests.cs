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

    [Fact]
    public async Task Raw_events_in_explained_mutations_and_private_recommendations_out_with_no_raw_id_anywhere_downstream()
    {
        var prefix = UniqueNames.Next("p4") + "-";
        var topics = new TopicNames
        {
            Raw = prefix + "raw", Clean = prefix + "clean", Embedded = prefix + "embedded", DeadLetter = prefix + "dlq",
            Mutations = prefix + "mutations", Recommendations = prefix + "recommendations",
        };
        foreach (var topic in topics.All)
        {
            kafka.CreateTopic(topic, partitions: 2);
        }

        // Six users, each 60 comedies then 60 horror films. Each group shares its genre, decade and
        // title words, so that even an untrained encoder puts the groups far apart.
        var users = Enumerable.Range(0, 6).Select(u => $"{prefix}raw-person-{u}").ToList();
        var events = new List<RawEvent>();
        for (var i = 0; i < 120; i++)
        {
            foreach (var (user, u) in users.Select((user, u) => (user, u)))
            {
                var horror = i >= 60;
                var item = ((i * 7) + (u * 3)) % 25;
                events.Add(new RawEvent
                {
                    EventId = $"{user}-{i}",
                    UserId = user,
                    ItemId = $"{prefix}{(horror ? "h" : "c")}{item}",
                    Type = "purchase",
                    Ts = 1_600_000_000_000L + (i * 60_000L),
                    Title = horror ? $"Night Scream {item} (2010)" : $"Happy Laugh {item} (1990)",
                    Categories = [horror ? "Horror" : "Comedy"],
                });
            }
        }

        KafkaTestClients.ProduceAll(kafka.Options, topics.Raw, events.Select(e => new Message<byte[]?, byte[]?>
        {
            Key = Encoding.UTF8.GetBytes(e.UserId),
            Value = JsonSerializer.SerializeToUtf8Bytes(e, ContractsJsonContext.Default.RawEvent),
        }));

        var db = redis.Connection.GetDatabase();
        using var encoder = new TestEncoder(prefix + "model");
        using var service = EmbeddingService.Load(encoder.Options());
        using var counters = new CounterCapture();
        var recommender = new RecommenderOptions { TopK = 5, EpsilonSelection = 2 };
        // The test encoder is random and 12-dimensional, so the two groups are less far apart than with the
        // trained one: a more sensitive CUSUM, since this test is about the pipeline, not detection quality.
        var drift = new DriftDetectorOptions { Detection = new() { CusumSlack = 0.5, CusumThreshold = 6 } };
        using var stop = new CancellationTokenSource();
        var recommenderMetrics = new RecommenderMetrics(counters.Metrics);
        StageLoop Loop(string input, IBatchProcessor processor) =>
            new(kafka.Options, new StageLoopOptions { InputTopic = input, GroupId = UniqueNames.Next(processor.StageName), MaxBatchSize = 64 }, processor,
                counters.Metrics, counters.Consumers, NullLogger.Instance);
        Task[] stages =
        [
            Loop(topics.Raw, new IngestProcessor(new RawEventValidator(new IngestOptions { PseudonymKey = Convert.ToBase64String(Key) }, TimeProvider.System), new Pseudonymizer(Key), topics, TimeProvider.System)).RunAsync(stop.Token),
            Loop(topics.Clean, new EmbedderProcessor(service, new ItemCatalogWriter(db, TimeProvider.System), topics, knownItemsCapacity: 1000, new EmbedderMetrics(counters.Metrics), TimeProvider.System, NullLogger.Instance)).RunAsync(stop.Token),
            Loop(topics.Embedded, new DriftProcessor(drift, new DriftStateStore(db, TimeSpan.FromDays(1)), new ItemCatalogReader(db), topics, new DriftMetrics(counters.Metrics), TimeProvider.System, NullLogger.Instance)).RunAsync(stop.Token),
            Loop(topics.Mutations, new RecommenderProcessor(
                new ReleaseMaker(recommender, new ItemCatalogCache(db, TimeSpan.Zero, TimeProvider.System), new PrivacyLedger(db, recommender.BudgetWindow, recommender.BudgetCap, TimeProvider.System),
                    new CryptoRandomSource(), TimeProvider.System, NullLogger.Instance, metrics: recommenderMetrics),
                topics, recommenderMetrics, TimeProvider.System, NullLogger.Instance)).RunAsync(stop.Token),
        ];

        long Consumed(string stage) => counters.Get("streamrec_events_consumed_total", "stage", stage);
        await Eventually.TrueAsync(
            () => stages.Any(s => s.IsCompleted)
                || (Consumed(DriftProcessor.Stage) == events.Count && Consumed(RecommenderProcessor.Stage) == counters.Total("streamrec_mutations_total")),
            TimeSpan.FromSeconds(120),
            () => $"all stages done (ingest {Consumed(IngestProcessor.Stage)}, embed {Consumed(EmbedderProcessor.Stage)}, drift {Consumed(DriftProcessor.Stage)} of {events.Count}, " +
                  $"recommend {Consumed(RecommenderProcessor.Stage)} of {counters.Total("streamrec_mutations_total")})");
        await stop.CancelAsync();
        await Task.WhenAll(stages);

        var pseudonymizer = new Pseudonymizer(Key);
        var mutations = ByteRecords.ReadToEnd(kafka.Options, topics.Mutations, TimeSpan.FromSeconds(60));
        var releases = ByteRecords.ReadToEnd(kafka.Options, topics.Recommendations, TimeSpan.FromSeconds(60));
        var decodedMutations = mutations.Select(r => JsonSerializer.Deserialize(r.Message.Value, ContractsJsonContext.Default.MutationRecord)!).ToList();
        var decodedReleases = releases.Select(r => JsonSerializer.Deserialize(r.Message.Value, ContractsJsonContext.Default.RecommendationRecord)!).ToList();

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
        Assert.Equal(events.Count, counters.Total("streamrec_drift_events_applied_total"));
        Assert.Equal(decodedMutations.Count, counters.Total("streamrec_recommendations_published_total"));
    }
}
