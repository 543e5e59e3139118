using System.Globalization;
using System.Numerics.Tensors;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using StreamRec.Benchmarks.Harness;
using StreamRec.Contracts;
using StreamRec.Embedded;
using StreamRec.Embedder.Stage;
using StreamRec.Messaging;
using StreamRec.Recommender.Ledger;
using StreamRec.Recommender.Privacy;
using StreamRec.Recommender.Scoring;
using StreamRec.Recommender.Stage;
using StreamRec.Replay.Terminal;
using StreamRec.Storage;

namespace StreamRec.Benchmarks.Recommender;

/// <summary>
/// The Recommender stage alone, through the embedded broker and a real redis-server, against the raw
/// limits of its components measured in the same run:
/// <list type="number">
/// <item>the raw dot-product bound over the same catalog (TensorPrimitives.Dot per row, as releases/s if a
/// release cost one pass), and the in-memory private top-K (Compute + PrivateTopK.Select, crypto noise),
/// which a release cannot beat;</item>
/// <item>redis-benchmark EVALSHA of the ledger's own charge script, pipelined 64 deep and as one client
/// without pipelining (the stage charges and stores each release in turn: two round trips);</item>
/// <item>a bare Confluent consumer of the mutations topic;</item>
/// <item>the stage: consume mutation records, charge the ledger, draw the private top-K, store the
/// release, publish it, store offsets (micro-batch 64, as Recommender:MicroBatchSize).</item>
/// </list>
/// Every mutation is of a different user, so no release is refused by the budget (a refused release
/// skips the draw and would flatter the rate).
/// </summary>
internal sealed class RecommendBenchmark : IBenchmark
{
    private const int Dimension = 64;
    private const string ModelVersion = "bench-recommend-0001";

    public string Name => "recommend";

    public string Summary => "Recommender releases/s (stage through the broker, ledger in redis-server) vs the raw dot-product bound and EVALSHA of the ledger script";

    public IReadOnlyList<string> Options { get; } =
    [
        "--items N         catalog size (default 9066, the MovieLens catalog of the replay)",
        "--mutations N     mutation records per repetition (default 5000)",
        "--repetitions N   timed repetitions, median reported (default 3)",
        "--batch N         the stage's micro-batch (default 64, as Recommender:MicroBatchSize)",
    ];

    public int Run(BenchmarkArguments arguments, TextWriter output)
    {
        var items = arguments.GetInt("items", 9_066);
        var count = arguments.GetInt("mutations", 5_000);
        var repetitions = arguments.GetInt("repetitions", 3);
        var batch = arguments.GetInt("batch", 64);
        arguments.ThrowIfUnused();

        using var redis = RedisServerProcess.StartAsync().GetAwaiter().GetResult();
        using var connection = RedisConnector.ConnectAsync(new RedisOptions { Configuration = redis.ConnectionString }).GetAwaiter().GetResult();
        var database = connection.GetDatabase();
        // Strict mode: what this measures against its bounds is the private path (ledger charge, private top-K).
        var options = new RecommenderOptions { Privacy = { Mode = RecommenderPrivacyOptions.StrictMode } };

        // The catalog, in Redis as the Embedder writes it, and the same vectors in memory for the raw bounds.
        Console.Error.WriteLine($"recommend: writing a catalog of {items:N0} random unit vectors (D = {Dimension})");
        var random = new SeededRandomSource(11);
        var matrix = new ItemMatrix(Dimension, items);
        var catalog = new List<CatalogItem>(items);
        for (var i = 0; i < items; i++)
        {
            var vector = UnitVector(random);
            var id = string.Create(CultureInfo.InvariantCulture, $"item-{i}");
            matrix.Add(id, vector);
            catalog.Add(new CatalogItem(id, ModelVersion, vector, $"Item {i}", null));
        }

        var writer = new ItemCatalogWriter(database, TimeProvider.System);
        foreach (var chunk in catalog.Chunk(1000))
        {
            writer.WriteAsync(chunk).GetAwaiter().GetResult();
        }

        // (1) Raw in-memory bounds over the same catalog.
        Console.Error.WriteLine("recommend: raw dot-product bound and in-memory private top-K");
        var user = UserVector(matrix, random);
        var scores = new float[items];
        var sink = 0.0;
        var dot = Throughput.Measure(() =>
        {
            var values = matrix.Values;
            var sum = 0f;
            for (var row = 0; row < items; row++)
            {
                sum += TensorPrimitives.Dot(values.Slice(row * Dimension, Dimension), user);
            }

            sink += sum;
        }, items, Math.Max(3, repetitions), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(0.5));
        var mechanism = new PrivateTopK();
        var sensitivity = ScoreSensitivity.ForEwma(options.InterestRate, options.MaxEventWeight);
        var topK = Throughput.Measure(() =>
        {
            CandidateScores.Compute(matrix, user, scores);
            sink += mechanism.Select(scores, options.TopK, options.EpsilonSelection, sensitivity, CryptoRandomSource.Shared).Rows[0];
        }, 1, Math.Max(3, repetitions), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(0.5));
        GC.KeepAlive(sink);

        // (2) redis-benchmark of the ledger's charge script on this server.
        Console.Error.WriteLine("recommend: redis-benchmark EVALSHA of the ledger's charge script");
        var sha = (string)database.Execute("SCRIPT", "LOAD", PrivacyLedger.ChargeScript)!;
        string[] charge = ["EVALSHA", sha, "1", "streamrec:ledger:{bench-__rand_int__}", "r-__rand_int__", "1700000000000", "86400000", "1", "10"];
        var pipelined = RedisBenchmarkTool.Rates(redis.Port, Math.Max(3, repetitions), ["-P", "64", "-r", "1000000", .. charge]);
        var single = RedisBenchmarkTool.Rates(redis.Port, Math.Max(3, repetitions), ["-P", "1", "-c", "1", "-r", "1000000", .. charge], requests: 20_000);

        // (3, 4) The stage through the embedded broker, and a bare consumer of the same topic.
        using var cluster = new EmbeddedKafkaCluster();
        var kafka = new KafkaOptions
        {
            BootstrapServers = cluster.BootstrapServers,
            Consumer = new Dictionary<string, string>(EmbeddedKafkaCluster.ConsumerSettings, StringComparer.Ordinal),
        };
        var raw = new List<double>();
        var stage = new List<double>();
        long published = 0, refused = 0;
        using var telemetry = new BenchTelemetry();
        var recommenderMetrics = new RecommenderMetrics(telemetry.Metrics);
        using var counters = new StageCounters(telemetry.Metrics);
        for (var r = 0; r < repetitions; r++)
        {
            // 16 partitions: a mutation record is ~1.5 kB and each partition keeps only ~5 MB.
            var topics = new TopicNames { Mutations = $"bench-mutations-{r}", Recommendations = $"bench-recommendations-{r}", DeadLetter = $"bench-dlq-{r}" };
            cluster.CreateTopic(topics.Mutations, 16);
            cluster.CreateTopic(topics.Recommendations, 8);
            cluster.CreateTopic(topics.DeadLetter, 1);
            Console.Error.WriteLine($"recommend: repetition {r + 1}/{repetitions}: producing {count:N0} mutation records");
            using (var producer = new ProducerBuilder<byte[]?, byte[]?>(KafkaClientConfigs.Producer(kafka)).Build())
            {
                for (var i = 0; i < count; i++)
                {
                    var mutation = Mutation(r, i, matrix, random);
                    producer.Produce(topics.Mutations, new Message<byte[]?, byte[]?>
                    {
                        Key = Encoding.UTF8.GetBytes(mutation.User),
                        Value = JsonSerializer.SerializeToUtf8Bytes(mutation, ContractsJsonContext.Default.MutationRecord),
                    });
                }

                producer.Flush(TimeSpan.FromSeconds(60));
            }

            raw.Add(StageThroughput.RawConsume(kafka, topics.Mutations, count));
            var publishedBefore = counters.Total(StageCounters.RecommendationsPublished);
            var processor = new RecommenderProcessor(ReleaseMaker.ForRedis(options, database, TimeProvider.System, NullLogger.Instance, recommenderMetrics),
                topics, recommenderMetrics, TimeProvider.System, NullLogger.Instance);
            stage.Add(StageThroughput.Run(kafka, topics.Mutations, processor, count, batch));
            published += counters.Total(StageCounters.RecommendationsPublished) - publishedBefore;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"recommend: repetition {r + 1}/{repetitions}: raw consume {raw[^1]:N0}/s, stage {stage[^1]:N0} mutations/s"));
        }

        refused = (long)counters.Sum("streamrec_privacy_budget_exhausted_total");
        var dotBound = dot.Median / items;
        var charges = SampleStatistics.Median(pipelined);
        var roundTrips = SampleStatistics.Median(single);
        var stageMedian = SampleStatistics.Median(stage);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# Recommender on a catalog of {items:N0} items, D = {Dimension}, K = {options.TopK}, ε = {options.EpsilonSelection}, micro-batch {batch}, {count:N0} mutations of distinct users per repetition, {Environment.ProcessorCount} cores, medians of {repetitions}; redis-server, the broker and the stage on the same machine"));
        output.WriteLine("| measurement | median | min | max | unit | ratio to raw dot bound | ratio to EVALSHA -P 64 / 2 | ratio to EVALSHA 1 client / 2 |");
        output.WriteLine("|---|---:|---:|---:|---|---:|---:|---:|");
        void Row(string what, double median, double min, double max, string unit, double perRelease) => output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {what} | {median:N0} | {min:N0} | {max:N0} | {unit} | {perRelease / dotBound:0.000} | {perRelease / (charges / 2):0.000} | {perRelease / (roundTrips / 2):0.000} |"));
        Row("raw dot-product bound over the catalog: TensorPrimitives.Dot per row (as releases/s: / catalog size)", dot.Median, dot.Min, dot.Max, "rows/s", dotBound);
        Row($"in memory: Compute + private top-{options.TopK} (crypto source)", topK.Median, topK.Min, topK.Max, "releases/s", topK.Median);
        Row("raw: redis-benchmark EVALSHA of the ledger's charge script -P 64", charges, pipelined.Min(), pipelined.Max(), "scripts/s", charges / 2);
        Row("raw: redis-benchmark EVALSHA of the charge script, 1 client, no pipelining", roundTrips, single.Min(), single.Max(), "scripts/s", roundTrips / 2);
        Row("raw: bare Confluent consumer of the mutations topic", SampleStatistics.Median(raw), raw.Min(), raw.Max(), "records/s", SampleStatistics.Median(raw));
        Row("recommend stage: consume, charge, draw, store, publish, store offsets", stageMedian, stage.Min(), stage.Max(), "mutations/s", stageMedian);
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Releases published: {published:N0} of {(long)count * repetitions:N0} mutations; refused by the budget: {refused:N0}. Each release is two ledger scripts (charge, store), awaited in turn."));
        return 0;
    }

    private static float[] UnitVector(IRandomSource random)
    {
        var vector = new float[Dimension];
        for (var j = 0; j < Dimension; j++)
        {
            vector[j] = BenchmarkNumbers.Gaussian(random);
        }

        TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), vector);
        return vector;
    }

    /// <summary>A realistic interest: the EWMA (a = 0.3, weight 1) of 30 catalog items, so its norm is below 1.</summary>
    private static float[] UserVector(ItemMatrix matrix, IRandomSource random)
    {
        var user = new float[matrix.Dimension];
        for (var i = 0; i < 30; i++)
        {
            TensorPrimitives.Multiply(user, 0.7f, user);
            TensorPrimitives.MultiplyAdd(matrix.Row((int)(random.NextUInt64() % (ulong)matrix.Count)), 0.3f, user, user);
        }

        return user;
    }

    private static MutationRecord Mutation(int repetition, int index, ItemMatrix matrix, IRandomSource random)
    {
        var s = UserVector(matrix, random);
        var norm = TensorPrimitives.Norm(s);
        TensorPrimitives.Divide(s, norm, s);
        var user = Convert.ToHexStringLower(BitConverter.GetBytes(((ulong)repetition << 40) + (ulong)index)) + "0000000000000000";
        return new MutationRecord
        {
            MutationId = string.Create(CultureInfo.InvariantCulture, $"{user}-{index}"),
            User = user,
            Ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            DetectedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            EventId = string.Create(CultureInfo.InvariantCulture, $"bench-{repetition}-{index}"),
            Score = 19,
            Threshold = 18,
            Drift = 0.4,
            Z = 3,
            Events = 60,
            ModelVersion = ModelVersion,
            Source = new MutationSource("bench-embedded", index % 16, index),
            Interest = s,
            InterestNorm = norm,
            Explanation = new MutationExplanation { Summary = "benchmark", Gained = [], Lost = [], ExamplesBefore = [], ExamplesAfter = [] },
        };
    }
}
