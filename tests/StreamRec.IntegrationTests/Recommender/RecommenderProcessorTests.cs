using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using StreamRec.Contracts;
using StreamRec.DriftDetector.State;
using StreamRec.IntegrationTests.DriftDetector;
using StreamRec.IntegrationTests.Infrastructure;
using StreamRec.Messaging;
using StreamRec.Messaging.Stages;
using StreamRec.Recommender.Catalog;
using StreamRec.Recommender.Ledger;
using StreamRec.Recommender.Privacy;
using StreamRec.Recommender.Stage;
using StreamRec.Storage;

namespace StreamRec.IntegrationTests.Recommender;

/// <summary>The recommend stage's processor against a real redis-server holding a catalog and the ledgers.</summary>
public sealed class RecommenderProcessorTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IDisposable
{
    // The test's own meter: CounterCapture reads it, and no other test counts on it.
    private readonly CounterCapture _counters = new();
    private RecommenderMetrics? _metrics;

    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TopicNames _topics = new() { Recommendations = "recommendations", DeadLetter = "dlq" };

    /// <summary>Every field of the documented contract (docs/events.md), and nothing else.</summary>
    internal static readonly string[] ContractFields =
        ["schema_version", "release_id", "user", "trigger", "mutation_id", "items", "mechanism", "epsilon_spent", "epsilon_remaining", "window_seconds", "model_version", "time"];

    private RecommenderProcessor Processor(RecommenderOptions options, TimeProvider clock) => new(
        new ReleaseMaker(
            options,
            new ItemCatalogCache(redis.Connection.GetDatabase(), TimeSpan.FromMinutes(1), clock),
            new PrivacyLedger(redis.Connection.GetDatabase(), options.BudgetWindow, options.BudgetCap, clock),
            new CryptoRandomSource(),
            clock,
            NullLogger.Instance,
            new RecentItemsReader(redis.Connection.GetDatabase()),
            Metrics),
        _topics,
        Metrics,
        clock,
        NullLogger.Instance);

    private RecommenderMetrics Metrics => _metrics ??= new RecommenderMetrics(_counters.Metrics);

    public void Dispose() => _counters.Dispose();

    /// <summary>A mutation record as the DriftDetector writes it, for a user now interested in <paramref name="genre"/>.</summary>
    internal static MutationRecord Mutation(GenreWorld world, string user, string genre, string id)
    {
        var centre = new float[GenreWorld.Dimension];
        foreach (var item in world.Of(genre))
        {
            System.Numerics.Tensors.TensorPrimitives.Add(centre, item.Embedding.Span, centre);
        }

        var norm = System.Numerics.Tensors.TensorPrimitives.Norm(centre);
        System.Numerics.Tensors.TensorPrimitives.Divide(centre, norm, centre);
        return new MutationRecord
        {
            MutationId = id,
            User = user,
            Ts = 1_700_000_000_000,
            DetectedAt = 1_700_000_000_500,
            EventId = "ev",
            Score = 20,
            Threshold = 18,
            Drift = 0.4,
            Z = 3,
            Events = 100,
            ModelVersion = world.ModelVersion,
            Source = new MutationSource("embedded", 0, 42),
            Interest = centre,
            InterestNorm = 0.9,
            Explanation = new MutationExplanation { Summary = "more " + genre, Gained = [], Lost = [], ExamplesBefore = [], ExamplesAfter = [] },
        };
    }

    internal static ConsumeResult<byte[]?, byte[]?> Record(MutationRecord mutation, long offset) => GenreWorld.Record("mutations", 0, offset, new Message<byte[]?, byte[]?>
    {
        Key = Encoding.UTF8.GetBytes(mutation.User),
        Value = JsonSerializer.SerializeToUtf8Bytes(mutation, ContractsJsonContext.Default.MutationRecord),
        Timestamp = new Timestamp(DateTime.UtcNow),
    });

    private static RecommendationRecord Read(OutgoingRecord output) =>
        JsonSerializer.Deserialize(output.Message.Value, ContractsJsonContext.Default.RecommendationRecord)!;

    [Fact]
    public async Task A_mutation_is_answered_with_a_private_release_in_the_documented_contract()
    {
        var prefix = UniqueNames.Next("rp") + "-";
        var world = new GenreWorld(prefix, seed: 41);
        await world.WriteCatalogAsync(redis.Connection.GetDatabase());
        var options = new RecommenderOptions { TopK = 5, EpsilonSelection = 2, PublishScores = true, EpsilonScores = 1, BudgetCap = 10 };
        var clock = new ManualClock(Start);
        var user = prefix + "0123456789abcdef0123456789abcdef";

        var outputs = await Processor(options, clock).ProcessAsync([Record(Mutation(world, user, "Horror", prefix + "m1"), 0)], CancellationToken.None);

        var output = Assert.Single(outputs);
        Assert.Equal("recommendations", output.Topic);
        Assert.Equal(user, Encoding.UTF8.GetString(output.Message.Key!));
        using var json = JsonDocument.Parse(output.Message.Value);
        Assert.Equal(ContractFields.Order(), json.RootElement.EnumerateObject().Select(p => p.Name).Order());
        var release = Read(output);
        Assert.Equal((prefix + "m1", prefix + "m1", "mutation", user), (release.ReleaseId, release.MutationId, release.Trigger, release.User));
        Assert.Equal(5, release.Items.Count);
        Assert.Equal(5, release.Items.Select(i => i.ItemId).Distinct().Count());
        Assert.All(release.Items, i => Assert.Contains(world.Items, c => c.ItemId == i.ItemId && c.Title == i.Title));
        Assert.All(release.Items, i => Assert.NotNull(i.Score));
        Assert.Equal(3.0, release.EpsilonSpent);
        Assert.Equal(7.0, release.EpsilonRemaining, 12);
        Assert.Equal((long)TimeSpan.FromDays(1).TotalSeconds, release.WindowSeconds);
        Assert.Equal(world.ModelVersion, release.ModelVersion);
        Assert.Equal(Start.ToUnixTimeMilliseconds(), release.Time);
        Assert.Equal((ReleaseMaker.SelectionMechanism, 2.0, ReleaseMaker.ScoresMechanism, (double?)1.0, 0.6, world.Items.Count),
            (release.Mechanism.Selection, release.Mechanism.EpsilonSelection, release.Mechanism.Scores, release.Mechanism.EpsilonScores, release.Mechanism.Sensitivity, release.Mechanism.Candidates));
    }

    [Fact]
    public async Task A_replayed_mutation_is_published_again_byte_for_byte_and_spends_no_budget_twice()
    {
        var prefix = UniqueNames.Next("rp") + "-";
        var world = new GenreWorld(prefix, seed: 42);
        await world.WriteCatalogAsync(redis.Connection.GetDatabase());
        var options = new RecommenderOptions { BudgetCap = 1.5, EpsilonSelection = 1 };
        var clock = new ManualClock(Start);
        var user = prefix + "user";
        var mutation = Record(Mutation(world, user, "Comedy", prefix + "m1"), 0);

        var first = Assert.Single(await Processor(options, clock).ProcessAsync([mutation], CancellationToken.None));
        clock.Now += TimeSpan.FromMinutes(5);
        var replay = Assert.Single(await Processor(options, clock).ProcessAsync([mutation, mutation], CancellationToken.None));

        Assert.Equal(first.Message.Value, replay.Message.Value);
        var ledger = new PrivacyLedger(redis.Connection.GetDatabase(), options.BudgetWindow, options.BudgetCap, clock);
        Assert.Equal(1.0, await ledger.SpentAsync(user), 12);
    }

    [Fact]
    public async Task A_release_beyond_the_budget_is_not_published_and_is_counted()
    {
        var prefix = UniqueNames.Next("rp") + "-";
        var world = new GenreWorld(prefix, seed: 43);
        await world.WriteCatalogAsync(redis.Connection.GetDatabase());
        var options = new RecommenderOptions { BudgetCap = 2.5, EpsilonSelection = 1 };
        var user = prefix + "user";
        var counters = _counters;
        var processor = Processor(options, new ManualClock(Start));

        var outputs = await processor.ProcessAsync(
            [.. Enumerable.Range(0, 4).Select(i => Record(Mutation(world, user, "Drama", $"{prefix}m{i}"), i))], CancellationToken.None);

        Assert.Equal([1.5, 0.5], outputs.Select(o => Math.Round(Read(o).EpsilonRemaining, 9)));
        Assert.Equal(2, counters.Total("streamrec_privacy_budget_exhausted_total"));
        Assert.Equal(2, counters.Total("streamrec_recommendations_published_total"));
    }

    [Fact]
    public async Task An_unreadable_mutation_goes_to_the_dead_letter_topic_and_a_model_without_catalog_is_skipped()
    {
        var prefix = UniqueNames.Next("rp") + "-";
        var world = new GenreWorld(prefix, seed: 44);
        var options = new RecommenderOptions();
        var good = Mutation(world, prefix + "user", "Western", prefix + "m1"); // the catalog of this model was never written
        var counters = _counters;
        ConsumeResult<byte[]?, byte[]?>[] batch =
        [
            GenreWorld.Record("mutations", 0, 0, new Message<byte[]?, byte[]?> { Key = null, Value = "{\"schema_version\":1"u8.ToArray() }),
            Record(good with { SchemaVersion = 2 }, 1),
            Record(good with { Interest = [] }, 2),
            Record(good, 3),
        ];

        var outputs = await Processor(options, new ManualClock(Start)).ProcessAsync(batch, CancellationToken.None);

        Assert.Equal(3, outputs.Count);
        Assert.All(outputs, o => Assert.Equal("dlq", o.Topic));
        Assert.All(outputs, o => Assert.Equal(RecommenderProcessor.InvalidMutation, DeadLetterHeaders.Read(o.Message.Headers, DeadLetterHeaders.Reason)));
        Assert.Equal(1, counters.Total("streamrec_recommendations_skipped_total"));
    }

    [Fact]
    public async Task With_exclusion_on_the_users_recent_items_are_never_recommended()
    {
        var prefix = UniqueNames.Next("rp") + "-";
        var world = new GenreWorld(prefix, seed: 45);
        var db = redis.Connection.GetDatabase();
        await world.WriteCatalogAsync(db);
        var user = prefix + "user";
        var horror = world.Of("Horror").Select(i => i.ItemId).ToList();
        var recent = horror.Take(8).ToList(); // 8 of the 12 films that best match the interest
        await db.SortedSetAddAsync(DriftStateStore.RecentItemsKey(user), [.. recent.Select((id, i) => new StackExchange.Redis.SortedSetEntry(id, i))]);
        var options = new RecommenderOptions { TopK = 4, EpsilonSelection = 400, BudgetCap = 10_000, ExcludeRecentItems = true };

        var release = Read(Assert.Single(await Processor(options, new ManualClock(Start)).ProcessAsync([Record(Mutation(world, user, "Horror", prefix + "m1"), 0)], CancellationToken.None)));
        var without = Read(Assert.Single(await Processor(options, new ManualClock(Start)).ProcessAsync([Record(Mutation(world, prefix + "other", "Horror", prefix + "m2"), 1)], CancellationToken.None)));

        Assert.Equal(horror.Skip(8).Order(), release.Items.Select(i => i.ItemId).Order()); // the four horror films left
        Assert.Equal(world.Items.Count, release.Mechanism.Candidates); // the public catalog's size: the user's exclusions are not published
        Assert.All(without.Items, i => Assert.Contains(i.ItemId, horror)); // a user without recent items: any horror film
    }
}
