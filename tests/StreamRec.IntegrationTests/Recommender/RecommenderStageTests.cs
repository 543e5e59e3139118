using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using StreamRec.Contracts;
using StreamRec.DriftDetector.Stage;
using StreamRec.DriftDetector.State;
using StreamRec.IntegrationTests.DriftDetector;
using StreamRec.IntegrationTests.Embedding;
using StreamRec.IntegrationTests.Infrastructure;
using StreamRec.Messaging;
using StreamRec.Messaging.Stages;
using StreamRec.Recommender.Catalog;
using StreamRec.Recommender.Ledger;
using StreamRec.Recommender.Privacy;
using StreamRec.Recommender.Stage;
using StreamRec.Storage;

namespace StreamRec.IntegrationTests.Recommender;

/// <summary>DriftDetector and Recommender together through the real embedded broker and a real redis-server.</summary>
[Collection(KafkaCollection.Name)]
public sealed class RecommenderStageTests(KafkaFixture kafka, RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task Embedded_events_in_private_recommendations_of_the_new_interest_out_one_release_per_mutation()
    {
        var prefix = UniqueNames.Next("rs") + "-";
        var world = new GenreWorld(prefix, seed: 51);
        // A large epsilon, so that the noisy selection is, with overwhelming probability, the noiseless
        // one: this test is about the wiring (the right vector, the right catalog, one release per
        // mutation), the privacy tests are about the noise.
        var options = new RecommenderOptions { TopK = 4, EpsilonSelection = 400, BudgetCap = 10_000, Privacy = { Mode = RecommenderPrivacyOptions.StrictMode } };

        var (switchers, releases) = await RunAsync(prefix, world, options);

        foreach (var (key, release) in releases)
        {
            var (user, _, to) = switchers.Single(s => s.User == release.User);
            Assert.Equal(user, key);
            Assert.Equal(4, release.Items.Count);
            Assert.All(release.Items, item => Assert.StartsWith($"{to} film", item.Title, StringComparison.Ordinal));
            Assert.Equal(options.EpsilonSelection, release.EpsilonSpent);
        }

        var ledger = new PrivacyLedger(redis.Connection.GetDatabase(), options.BudgetWindow, options.BudgetCap, TimeProvider.System);
        foreach (var (user, _, _) in switchers)
        {
            Assert.Equal(options.EpsilonSelection, await ledger.SpentAsync(user), 9);
        }
    }

    [Fact]
    public async Task In_joint_mode_recommendations_follow_the_new_interest_and_put_the_clusters_popular_films_first()
    {
        var prefix = UniqueNames.Next("rs") + "-";
        var world = new GenreWorld(prefix, seed: 52);
        // Films 11 and 10 of each genre the users move to are the billboard's most counted, in every cluster
        // (so whichever cluster the user's long-horizon vector is nearest when the release is made, the same
        // films are popular there); every other film, the old genres' included, is counted 0.
        string[] newGenres = ["horror", "animation", "documentary"];
        var snapshot = RecommenderProcessorTests.Billboard(world, "1764590400000-5", (_, item) =>
            !newGenres.Any(g => item.Contains($"-{g}-", StringComparison.Ordinal)) ? 0
            : item.EndsWith("-11", StringComparison.Ordinal) ? 100 : item.EndsWith("-10", StringComparison.Ordinal) ? 80 : 0);
        await new BillboardSnapshotStore(redis.Connection.GetDatabase()).WriteAsync(snapshot);
        // w = 0.15 lifts films 11 and 10 by 0.15 and 0.12 over films of the same genre, while a popular film of
        // another genre (cosine about 0) still scores below every film of the new one.
        var options = new RecommenderOptions { TopK = 4, Privacy = { PopularityWeight = 0.15 } };

        var (switchers, releases) = await RunAsync(prefix, world, options);

        foreach (var (key, release) in releases)
        {
            var (user, _, to) = switchers.Single(s => s.User == release.User);
            Assert.Equal(user, key);
            Assert.Equal(("joint", snapshot.Version, 0.0), (release.PrivacyMode, release.BillboardVersion, release.EpsilonSpent));
            Assert.Equal(4, release.Items.Count);
            Assert.All(release.Items, item => Assert.StartsWith($"{to} film", item.Title, StringComparison.Ordinal));
            Assert.Equal([$"{to} film 10", $"{to} film 11"], release.Items.Take(2).Select(i => i.Title).Order(StringComparer.Ordinal));
            Assert.False(await redis.Connection.GetDatabase().KeyExistsAsync(PrivacyLedger.Key(user)));
        }
    }

    /// <summary>
    /// Three users switch genre (60 events of one, then 60 of another) through the DriftDetector and the
    /// Recommender on the embedded broker, until every mutation is answered; returns the switchers and the
    /// releases (with their record keys), after checking that each mutation got exactly one.
    /// </summary>
    private async Task<((string User, string From, string To)[] Switchers, List<(string Key, RecommendationRecord Release)> Releases)> RunAsync(
        string prefix, GenreWorld world, RecommenderOptions options)
    {
        var topics = new TopicNames
        {
            Embedded = prefix + "embedded", Mutations = prefix + "mutations", Recommendations = prefix + "recommendations", DeadLetter = prefix + "dlq",
        };
        foreach (var topic in new[] { topics.Embedded, topics.Mutations, topics.Recommendations })
        {
            kafka.CreateTopic(topic, partitions: 2);
        }

        var db = redis.Connection.GetDatabase();
        await world.WriteCatalogAsync(db);
        (string User, string From, string To)[] switchers =
        [
            (prefix + "u0", "Comedy", "Horror"), (prefix + "u1", "Western", "Animation"), (prefix + "u2", "Drama", "Documentary"),
        ];
        var histories = switchers.Select(s => world.Events(s.User, 60, 0, s.From).Concat(world.Events(s.User, 60, 60, s.To)).ToList()).ToList();
        ByteRecords.ProduceAll(kafka.Options, topics.Embedded, Enumerable.Range(0, 120).SelectMany(i => histories.Select(h => GenreWorld.Message(h[i]))));

        using var counters = new CounterCapture();
        var recommenderMetrics = new RecommenderMetrics(counters.Metrics);
        using (var stop = new CancellationTokenSource())
        {
            var drift = new StageLoop(kafka.Options, new StageLoopOptions { InputTopic = topics.Embedded, GroupId = UniqueNames.Next("drift"), MaxBatchSize = 32 },
                // No recent items: a user who watched most of the new genre's films would get other genres' films,
                // and this test is about the blend (leaving seen items out is tested in RecommenderProcessorTests).
                new DriftProcessor(new DriftDetectorOptions { RecentItems = 0 }, new DriftStateStore(db, TimeSpan.FromDays(1)), new ItemCatalogReader(db), topics,
                    new DriftMetrics(counters.Metrics), TimeProvider.System, NullLogger.Instance),
                counters.Metrics, counters.Consumers, NullLogger.Instance).RunAsync(stop.Token);
            var recommend = new StageLoop(kafka.Options, new StageLoopOptions { InputTopic = topics.Mutations, GroupId = UniqueNames.Next("recommend"), MaxBatchSize = 8 },
                new RecommenderProcessor(
                    new ReleaseMaker(options, new ItemCatalogCache(db, TimeSpan.FromSeconds(30), TimeProvider.System),
                        new PrivacyLedger(db, options.BudgetWindow, options.BudgetCap, TimeProvider.System), new CryptoRandomSource(), TimeProvider.System, NullLogger.Instance,
                        metrics: recommenderMetrics, joint: options.IsJoint ? JointReleaser.ForRedis(options, db, TimeProvider.System) : null),
                    topics, recommenderMetrics, TimeProvider.System, NullLogger.Instance),
                counters.Metrics, counters.Consumers, NullLogger.Instance).RunAsync(stop.Token);
            await Eventually.TrueAsync(
                () => (counters.Get("streamrec_events_consumed_total", "stage", DriftProcessor.Stage) == 360
                       && counters.Get("streamrec_events_consumed_total", "stage", RecommenderProcessor.Stage) == counters.Total("streamrec_mutations_total"))
                      || drift.IsCompleted || recommend.IsCompleted,
                TimeSpan.FromSeconds(90),
                () => $"both stages done (drift {counters.Get("streamrec_events_consumed_total", "stage", DriftProcessor.Stage)} of 360, " +
                      $"recommend {counters.Get("streamrec_events_consumed_total", "stage", RecommenderProcessor.Stage)} of {counters.Total("streamrec_mutations_total")})");
            await stop.CancelAsync();
            await Task.WhenAll(drift, recommend);
        }

        var mutations = ByteRecords.ReadToEnd(kafka.Options, topics.Mutations, TimeSpan.FromSeconds(30))
            .Select(r => JsonSerializer.Deserialize(r.Message.Value, ContractsJsonContext.Default.MutationRecord)!).ToList();
        var releases = ByteRecords.ReadToEnd(kafka.Options, topics.Recommendations, TimeSpan.FromSeconds(30))
            .Select(r => (Key: System.Text.Encoding.UTF8.GetString(r.Message.Key!), Release: JsonSerializer.Deserialize(r.Message.Value, ContractsJsonContext.Default.RecommendationRecord)!))
            .ToList();

        Assert.Equal(switchers.Select(s => s.User).Order(), mutations.Select(m => m.User).Order());
        Assert.Equal(mutations.Select(m => m.MutationId).Order(), releases.Select(r => r.Release.MutationId).Order());
        return (switchers, releases);
    }
}
