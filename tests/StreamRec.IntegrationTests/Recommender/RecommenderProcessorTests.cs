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
using StreamRec.Recommender.Scoring;
using StreamRec.Recommender.Stage;
using StreamRec.Storage;
using StreamRec.TestSupport;

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
    [
        "schema_version", "release_id", "user", "trigger", "privacy_mode", "mutation_id", "items", "mechanism", "epsilon_spent", "epsilon_remaining",
        "window_seconds", "billboard_version", "billboard_guarantee", "model_version", "time",
    ];

    /// <summary>A strict release's fields: no billboard.</summary>
    internal static readonly string[] StrictFields = [.. ContractFields.Except(["billboard_version", "billboard_guarantee"])];

    /// <summary>A joint release's fields (with a billboard): no ledger.</summary>
    internal static readonly string[] JointFields = [.. ContractFields.Except(["epsilon_remaining", "window_seconds"])];

    private RecommenderProcessor Processor(RecommenderOptions options, TimeProvider clock)
    {
        var db = redis.Connection.GetDatabase();
        return new(
            new ReleaseMaker(
                options,
                new ItemCatalogCache(db, TimeSpan.FromMinutes(1), clock),
                new PrivacyLedger(db, options.BudgetWindow, options.BudgetCap, clock),
                new CryptoRandomSource(),
                clock,
                NullLogger.Instance,
                new RecentItemsReader(db),
                Metrics,
                options.IsJoint ? JointReleaser.ForRedis(options, db, clock) : null),
            _topics,
            Metrics,
            clock,
            NullLogger.Instance);
    }

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
    public async Task In_strict_mode_a_mutation_is_answered_with_a_private_release_charged_to_the_ledger_in_the_documented_contract()
    {
        var prefix = UniqueNames.Next("rp") + "-";
        var world = new GenreWorld(prefix, seed: 41);
        await world.WriteCatalogAsync(redis.Connection.GetDatabase());
        var options = new RecommenderOptions { TopK = 5, EpsilonSelection = 2, PublishScores = true, EpsilonScores = 1, BudgetCap = 10, Privacy = { Mode = RecommenderPrivacyOptions.StrictMode } };
        var clock = new ManualClock(Start);
        var user = prefix + "0123456789abcdef0123456789abcdef";

        var outputs = await Processor(options, clock).ProcessAsync([Record(Mutation(world, user, "Horror", prefix + "m1"), 0)], CancellationToken.None);

        var output = Assert.Single(outputs);
        Assert.Equal("recommendations", output.Topic);
        Assert.Equal(user, Encoding.UTF8.GetString(output.Message.Key!));
        using var json = JsonDocument.Parse(output.Message.Value);
        Assert.Equal(StrictFields.Order(), json.RootElement.EnumerateObject().Select(p => p.Name).Order());
        var release = Read(output);
        Assert.Equal((prefix + "m1", prefix + "m1", "mutation", user, "strict"), (release.ReleaseId, release.MutationId, release.Trigger, release.User, release.PrivacyMode));
        Assert.Equal(5, release.Items.Count);
        Assert.Equal(5, release.Items.Select(i => i.ItemId).Distinct().Count());
        Assert.All(release.Items, i => Assert.Contains(world.Items, c => c.ItemId == i.ItemId && c.Title == i.Title));
        Assert.All(release.Items, i => Assert.NotNull(i.Score));
        Assert.Equal(3.0, release.EpsilonSpent);
        Assert.Equal(7.0, release.EpsilonRemaining!.Value, 12);
        Assert.Equal((long)TimeSpan.FromDays(1).TotalSeconds, release.WindowSeconds!.Value);
        Assert.Equal(3.0, await new PrivacyLedger(redis.Connection.GetDatabase(), options.BudgetWindow, options.BudgetCap, clock).SpentAsync(user), 12);
        Assert.Equal(1, _counters.Get("streamrec_recommendations_published_total", "mode", "strict"));
        Assert.Equal(world.ModelVersion, release.ModelVersion);
        Assert.Equal(Start.ToUnixTimeMilliseconds(), release.Time);
        Assert.Equal((ReleaseMaker.SelectionMechanism, (double?)2.0, ReleaseMaker.ScoresMechanism, (double?)1.0, (double?)0.6, world.Items.Count),
            (release.Mechanism.Selection, release.Mechanism.EpsilonSelection, release.Mechanism.Scores, release.Mechanism.EpsilonScores, release.Mechanism.Sensitivity, release.Mechanism.Candidates));
    }

    [Fact]
    public async Task A_replayed_mutation_is_published_again_byte_for_byte_and_spends_no_budget_twice()
    {
        var prefix = UniqueNames.Next("rp") + "-";
        var world = new GenreWorld(prefix, seed: 42);
        await world.WriteCatalogAsync(redis.Connection.GetDatabase());
        var options = new RecommenderOptions { BudgetCap = 1.5, EpsilonSelection = 1, Privacy = { Mode = RecommenderPrivacyOptions.StrictMode } };
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
        var options = new RecommenderOptions { BudgetCap = 2.5, EpsilonSelection = 1, Privacy = { Mode = RecommenderPrivacyOptions.StrictMode } };
        var user = prefix + "user";
        var counters = _counters;
        var processor = Processor(options, new ManualClock(Start));

        var outputs = await processor.ProcessAsync(
            [.. Enumerable.Range(0, 4).Select(i => Record(Mutation(world, user, "Drama", $"{prefix}m{i}"), i))], CancellationToken.None);

        Assert.Equal([1.5, 0.5], outputs.Select(o => Math.Round(Read(o).EpsilonRemaining!.Value, 9)));
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
        var options = new RecommenderOptions { TopK = 4, EpsilonSelection = 400, BudgetCap = 10_000, ExcludeRecentItems = true, Privacy = { Mode = RecommenderPrivacyOptions.StrictMode } };

        var release = Read(Assert.Single(await Processor(options, new ManualClock(Start)).ProcessAsync([Record(Mutation(world, user, "Horror", prefix + "m1"), 0)], CancellationToken.None)));
        var without = Read(Assert.Single(await Processor(options, new ManualClock(Start)).ProcessAsync([Record(Mutation(world, prefix + "other", "Horror", prefix + "m2"), 1)], CancellationToken.None)));

        Assert.Equal(horror.Skip(8).Order(), release.Items.Select(i => i.ItemId).Order()); // the four horror films left
        Assert.Equal(world.Items.Count, release.Mechanism.Candidates); // the public catalog's size: the user's exclusions are not published
        Assert.All(without.Items, i => Assert.Contains(i.ItemId, horror)); // a user without recent items: any horror film
    }

    /// <summary>A billboard guarantee as the billboard writer states it (its values do not matter to the Recommender, which only carries it).</summary>
    /// <summary>A guarantee whose noise is small (node scale 1, so a noise floor of 3 x 2 x sqrt(5) ≈ 13 counts): the tests' counts above it are popularity, those within it are not.</summary>
    internal static readonly BillboardGuarantee Guarantee = new()
    {
        Notion = "user-level pure DP per window", EpsilonPerWindow = 160, WindowSeconds = 86_400, MaxItemsPerUser = 32, ReleasesPerWindow = 24, Levels = 5,
        NodeScale = 1, Mechanism = "binary-tree-discrete-laplace",
    };

    /// <summary>A billboard release for <paramref name="world"/>: one cluster per genre (its axis), every catalog item counted by <paramref name="count"/>(cluster genre, item).</summary>
    internal static BillboardSnapshot Billboard(GenreWorld world, string version, Func<string, string, long> count) => new()
    {
        Version = version,
        ModelVersion = world.ModelVersion,
        ReleasedAt = Start.ToUnixTimeMilliseconds(),
        WindowStart = Start.ToUnixTimeMilliseconds() - 3_600_000,
        Step = 2,
        Guarantee = Guarantee,
        Centroids = [.. GenreWorld.Genres.Select((_, g) => Enumerable.Range(0, GenreWorld.Dimension).Select(d => d == g ? 1f : 0f).ToArray())],
        Items = [.. world.Items.Select(i => i.ItemId)],
        Counts = [.. GenreWorld.Genres.Select(genre => world.Items.Select(i => count(genre, i.ItemId)).ToArray())],
    };

    [Fact]
    public async Task In_joint_mode_a_release_charges_no_budget()
    {
        var prefix = UniqueNames.Next("rp") + "-";
        var world = new GenreWorld(prefix, seed: 46);
        var db = redis.Connection.GetDatabase();
        await world.WriteCatalogAsync(db);
        var snapshot = Billboard(world, "1764590400000-2", (_, item) => item.EndsWith("-3", StringComparison.Ordinal) ? 40 : 1);
        await new BillboardSnapshotStore(db).WriteAsync(snapshot);
        var options = new RecommenderOptions { TopK = 5 }; // the default mode
        var user = prefix + "user";

        var output = Assert.Single(await Processor(options, new ManualClock(Start)).ProcessAsync([Record(Mutation(world, user, "Horror", prefix + "m1"), 0)], CancellationToken.None));

        using var json = JsonDocument.Parse(output.Message.Value);
        Assert.Equal(JointFields.Order(), json.RootElement.EnumerateObject().Select(p => p.Name).Order());
        var release = Read(output);
        Assert.Equal(("joint", snapshot.Version, 0.0), (release.PrivacyMode, release.BillboardVersion, release.EpsilonSpent));
        Assert.Equal(Guarantee, release.BillboardGuarantee);
        Assert.Equal((null, null), (release.EpsilonRemaining, release.WindowSeconds));
        Assert.Equal((JointRanker.MechanismName, (double?)new RecommenderPrivacyOptions().PopularityWeight, (double?)null, (double?)null, world.Items.Count),
            (release.Mechanism.Selection, release.Mechanism.PopularityWeight, release.Mechanism.EpsilonSelection, release.Mechanism.Sensitivity, release.Mechanism.Candidates));
        Assert.Equal(5, release.Items.Count);
        Assert.All(release.Items, i => Assert.StartsWith("Horror film", i.Title, StringComparison.Ordinal));
        Assert.All(release.Items, i => Assert.Null(i.Score));
        Assert.False(await db.KeyExistsAsync(PrivacyLedger.Key(user))); // the ledger is not touched
        Assert.Equal(1, _counters.Get("streamrec_recommendations_published_total", "mode", "joint"));
    }

    [Fact]
    public async Task In_joint_mode_the_users_cluster_is_nearest_their_long_horizon_interest_and_its_popular_items_come_first()
    {
        var prefix = UniqueNames.Next("rp") + "-";
        var world = new GenreWorld(prefix, seed: 47);
        var db = redis.Connection.GetDatabase();
        await world.WriteCatalogAsync(db);
        // The Comedy cluster counts horror film 3 most, the Horror cluster horror film 7.
        await new BillboardSnapshotStore(db).WriteAsync(Billboard(world, "v1", (cluster, item) =>
            (cluster, item) switch
            {
                ("Comedy", var i) when i.EndsWith("horror-3", StringComparison.Ordinal) => 100,
                ("Horror", var i) when i.EndsWith("horror-7", StringComparison.Ordinal) => 100,
                _ => 0,
            }));
        var longTimeComedyFan = prefix + "fan";
        var state = new UserDriftState(GenreWorld.Dimension);
        state.Long[Array.IndexOf(GenreWorld.Genres, "Comedy")] = 0.8f; // l: years of comedy
        state.Short[Array.IndexOf(GenreWorld.Genres, "Horror")] = 0.8f;
        await db.StringSetAsync(DriftStateKeys.User(longTimeComedyFan), DriftStateRecord.Write(0, 1, world.ModelVersion, UserDriftStateCodec.Write(state)));
        var options = new RecommenderOptions { TopK = 3, Privacy = { PopularityWeight = 0.3 } };
        var processor = Processor(options, new ManualClock(Start));

        var fan = Read(Assert.Single(await processor.ProcessAsync([Record(Mutation(world, longTimeComedyFan, "Horror", prefix + "m1"), 0)], CancellationToken.None)));
        var newcomer = Read(Assert.Single(await processor.ProcessAsync([Record(Mutation(world, prefix + "new", "Horror", prefix + "m2"), 1)], CancellationToken.None)));

        Assert.Equal("Horror film 3", fan.Items[0].Title); // the cluster of l (Comedy), not of the new interest
        Assert.Equal("Horror film 7", newcomer.Items[0].Title); // no state: the cluster of the interest
        Assert.All(fan.Items.Concat(newcomer.Items), i => Assert.StartsWith("Horror film", i.Title, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_billboard_joint_mode_ranks_by_the_interest_alone_says_so_and_leaves_out_seen_items()
    {
        var prefix = UniqueNames.Next("rp") + "-";
        var world = new GenreWorld(prefix, seed: 48);
        var db = redis.Connection.GetDatabase();
        await world.WriteCatalogAsync(db);
        var user = prefix + "user";
        var horror = world.Of("Horror").ToList();
        var seen = horror.Take(8).Select(i => i.ItemId).ToList();
        await db.SortedSetAddAsync(DriftStateKeys.RecentItems(user), [.. seen.Select((id, i) => new StackExchange.Redis.SortedSetEntry(id, i))]);
        var options = new RecommenderOptions { TopK = 4 }; // ExcludeRecentItems stays off: joint mode leaves seen items out anyway
        var mutation = Mutation(world, user, "Horror", prefix + "m1");

        var release = Read(Assert.Single(await Processor(options, new ManualClock(Start)).ProcessAsync([Record(mutation, 0)], CancellationToken.None)));

        var expected = horror.Skip(8).OrderByDescending(i => System.Numerics.Tensors.TensorPrimitives.Dot(mutation.Interest, i.Embedding.Span)).Select(i => i.ItemId);
        Assert.Equal(expected, release.Items.Select(i => i.ItemId));
        Assert.Equal(("joint", null, null, (double?)0.0), (release.PrivacyMode, release.BillboardVersion, release.BillboardGuarantee, release.Mechanism.PopularityWeight));
    }

    [Fact]
    public async Task A_replayed_mutation_in_joint_mode_publishes_identical_bytes_even_after_the_billboard_changed()
    {
        var prefix = UniqueNames.Next("rp") + "-";
        var world = new GenreWorld(prefix, seed: 49);
        var db = redis.Connection.GetDatabase();
        await world.WriteCatalogAsync(db);
        var store = new BillboardSnapshotStore(db);
        await store.WriteAsync(Billboard(world, "v1", (_, item) => item.EndsWith("-1", StringComparison.Ordinal) ? 9 : 0));
        var options = new RecommenderOptions { TopK = 5, Privacy = { PopularityWeight = 0.5 } };
        var clock = new ManualClock(Start);
        var user = prefix + "user";
        var mutation = Record(Mutation(world, user, "Western", prefix + "m1"), 0);

        var first = Assert.Single(await Processor(options, clock).ProcessAsync([mutation], CancellationToken.None));
        await store.WriteAsync(Billboard(world, "v2", (_, item) => item.EndsWith("-2", StringComparison.Ordinal) ? 9 : 0));
        clock.Now += TimeSpan.FromMinutes(5);
        var replay = Assert.Single(await Processor(options, clock).ProcessAsync([mutation, mutation], CancellationToken.None));
        var fresh = Read(Assert.Single(await Processor(options, clock).ProcessAsync([Record(Mutation(world, user, "Western", prefix + "m2"), 1)], CancellationToken.None)));

        Assert.Equal(first.Message.Value, replay.Message.Value);
        Assert.Equal("v1", Read(replay).BillboardVersion);
        Assert.Equal("v2", fresh.BillboardVersion); // a new mutation sees the new billboard
        Assert.False(await db.KeyExistsAsync(PrivacyLedger.Key(user)));
    }

    [Fact]
    public void The_documented_recommendation_fields_are_the_contracts_fields()
    {
        var section = File.ReadAllLines(RepositoryFiles.Path("docs", "events.md"))
            .SkipWhile(line => !line.StartsWith("## Recommendations", StringComparison.Ordinal))
            .Skip(1)
            .TakeWhile(line => !line.StartsWith("## ", StringComparison.Ordinal));
        var documented = section.Where(line => line.StartsWith("| `", StringComparison.Ordinal)).Select(line => line.Split('`')[1]);

        Assert.Equal(ContractFields.Order(), documented.Order());
    }
}
