using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using StreamRec.Benchmarks.Harness;
using StreamRec.Contracts;
using StreamRec.DriftDetector.Detection;
using StreamRec.DriftDetector.Stage;
using StreamRec.DriftDetector.State;
using StreamRec.Embedded;
using StreamRec.Messaging;
using StreamRec.Storage;

namespace StreamRec.Benchmarks.Drift;

/// <summary>
/// DriftDetector throughput against the raw limit of its component, Redis, measured in the same run on
/// the same redis-server:
/// <list type="number">
/// <item>raw: redis-benchmark running the stage's own state script (EVALSHA, a state of D = 64, pipelined
/// 64 deep), and HSET -P 64;</item>
/// <item>the statistic alone (no I/O), with its allocations per event;</item>
/// <item>the processor on in-memory batches against Redis (load, apply, one script per touched user per
/// batch), for few users (each batch touches a user many times) and many users (almost one write per event);</item>
/// <item>the whole stage through the embedded broker, against a bare consumer of the same topic;</item>
/// <item>bytes per user in Redis (MEMORY USAGE, and used_memory per key).</item>
/// </list>
/// </summary>
internal sealed class DriftBenchmark : IBenchmark
{
    private const int Dimension = 64;

    /// <summary>As long as the default encoder's versions.</summary>
    private const string ModelVersion = "item2vec-147c732aa827";

    public string Name => "drift";

    public string Summary => "DriftDetector updates/s (statistic alone; processor + Redis; stage through the broker) vs redis-benchmark EVALSHA";

    public IReadOnlyList<string> Options { get; } =
    [
        "--events N        events per timed repetition of the processor (default 51200)",
        "--repetitions N   timed repetitions, median reported (default 5)",
        "--users N,N       user counts for the processor runs (default 671,100000)",
        "--stage-events N  events through the embedded broker (default 100000; 0 skips)",
        "--batch N         micro-batch size (default 512, as DriftDetector:MicroBatchSize)",
        "--scale N,N       scale curve (default: none): for each N, an empty Redis filled with N users' state (each",
        "                  user once), then events/s over N users and Redis bytes per user (check `free -g`: ~0.8 KB a user)",
    ];

    public int Run(BenchmarkArguments arguments, TextWriter output)
    {
        var events = arguments.GetInt("events", 51_200);
        var repetitions = arguments.GetInt("repetitions", 5);
        var userCounts = arguments.GetInts("users", [671, 100_000]);
        var stageEvents = arguments.GetInt("stage-events", 100_000);
        var batchSize = arguments.GetInt("batch", 512);
        var scale = arguments.GetInts("scale", []);
        arguments.ThrowIfUnused();

        using var redis = RedisServerProcess.StartAsync().GetAwaiter().GetResult();
        // Admin mode: the benchmark empties its own throwaway server between runs, and FLUSHALL is an
        // admin command to StackExchange.Redis 3.x.
        using var connection = RedisConnector.ConnectAsync(new RedisOptions { Configuration = redis.ConnectionString + ",allowAdmin=true" }).GetAwaiter().GetResult();
        var database = connection.GetDatabase();
        var world = new SyntheticWorld(Dimension, items: 5_000, seed: 1);
        var rows = new List<string>();

        // (1) Raw Redis limits, on this server.
        Console.Error.WriteLine("drift: redis-benchmark (raw limits)");
        var sha = (string)database.Execute("SCRIPT", "LOAD", DriftStateStore.ApplyScript)!;
        // A value of the size the stage writes: position header, a 21-byte model version, the state.
        var value = new string('s', DriftStateRecord.Write(0, 0, ModelVersion, UserDriftStateCodec.Write(UserDriftState.New(Dimension, new DriftParameters()))).Length);
        var evalsha = RedisBenchmarkTool.Rates(redis.Port, repetitions,
            ["-P", "64", "-r", "1000000", "EVALSHA", sha, "1", "streamrec:user:{bench-__rand_int__}", "__rand_int__", "1", value, "86400000"]);
        var hset = RedisBenchmarkTool.Rates(redis.Port, repetitions, ["-P", "64", "-t", "hset"]);
        database.Execute("FLUSHALL");

        // (2) The statistic alone: as shipped, and with a fixed threshold (the statistic before its threshold
        // grew with a user's events), in the same run, so that the growth's cost is a ratio of two figures
        // measured side by side.
        Console.Error.WriteLine("drift: the statistic alone");
        var (alone, allocatedPerEvent) = StatisticAlone(world, new DriftParameters(), repetitions);
        var (fixedThreshold, fixedAllocatedPerEvent) = StatisticAlone(world, new DriftParameters { ThresholdGrowth = 0 }, repetitions);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# DriftDetector, D = {Dimension}, micro-batch {batchSize}, {Environment.ProcessorCount} cores, medians of {repetitions}; redis-server and the benchmark on the same machine"));
        output.WriteLine("| measurement | median | min | max | unit | ratio to raw EVALSHA -P 64 |");
        output.WriteLine("|---|---:|---:|---:|---|---:|");
        rows.Add(Row($"raw: redis-benchmark EVALSHA of the state script ({value.Length}-byte value) -P 64", Median(evalsha), evalsha.Min(), evalsha.Max(), "scripts/s", 1));
        rows.Add(Row("raw: redis-benchmark HSET -P 64", Median(hset), hset.Min(), hset.Max(), "ops/s", Median(hset) / Median(evalsha)));
        rows.Add(Row(string.Create(CultureInfo.InvariantCulture, $"statistic alone (no I/O; {allocatedPerEvent:0.#} bytes allocated per event)"), alone.Median, alone.Min, alone.Max, "events/s", alone.Median / Median(evalsha)));
        rows.Add(Row(string.Create(CultureInfo.InvariantCulture, $"statistic alone, fixed threshold (ThresholdGrowth = 0; {fixedAllocatedPerEvent:0.#} bytes per event; shipped/fixed = {alone.Median / fixedThreshold.Median:0.00})"),
            fixedThreshold.Median, fixedThreshold.Min, fixedThreshold.Max, "events/s", fixedThreshold.Median / Median(evalsha)));

        // (3) The processor against Redis.
        var topics = new TopicNames();
        using var telemetry = new BenchTelemetry();
        var driftMetrics = new DriftMetrics(telemetry.Metrics);
        foreach (var users in userCounts)
        {
            Console.Error.WriteLine($"drift: processor + Redis, {users:N0} users");
            var processor = new DriftProcessor(new DriftDetectorOptions(), new DriftStateStore(database, TimeSpan.FromDays(1)),
                new ItemCatalogReader(database), topics, driftMetrics, TimeProvider.System, NullLogger.Instance);
            var generator = new EventGenerator(world, users, seed: users);
            RunProcessor(processor, generator.Batches(events, batchSize)); // warm-up: loads every user once, JIT
            var eventRates = new List<double>();
            var writeRates = new List<double>();
            for (var r = 0; r < repetitions; r++)
            {
                var batches = generator.Batches(events, batchSize);
                var writes = batches.Sum(b => b.Select(x => Encoding.UTF8.GetString(x.Message.Key!)).Distinct().Count());
                GC.Collect();
                var seconds = RunProcessor(processor, batches);
                eventRates.Add(events / seconds);
                writeRates.Add(writes / seconds);
            }

            rows.Add(Row($"processor + Redis, {users:N0} users: events", Median(eventRates), eventRates.Min(), eventRates.Max(), "events/s", Median(eventRates) / Median(evalsha)));
            rows.Add(Row($"processor + Redis, {users:N0} users: state writes (one script per touched user per batch)", Median(writeRates), writeRates.Min(), writeRates.Max(), "scripts/s", Median(writeRates) / Median(evalsha)));
        }

        // (5) Bytes per user, while the many-user states are there.
        var (memoryUsage, usedPerKey) = BytesPerUser(database, redis.ConnectionString);

        // (4) The stage through the embedded broker.
        if (stageEvents > 0)
        {
            Console.Error.WriteLine($"drift: the stage through the embedded broker, {stageEvents:N0} events");
            var (stage, raw) = StageThroughBroker(database, world, stageEvents, batchSize, repetitions);
            rows.Add(Row("raw: bare Confluent consumer of the embedded topic", Median(raw), raw.Min(), raw.Max(), "records/s", Median(raw) / Median(evalsha)));
            rows.Add(Row("drift stage: consume, apply, publish mutations, write Redis, store offsets (10,000 users)", Median(stage), stage.Min(), stage.Max(), "events/s", Median(stage) / Median(evalsha)));
        }

        foreach (var row in rows)
        {
            output.WriteLine(row);
        }

        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Bytes per user in Redis at D = {Dimension}: MEMORY USAGE median {memoryUsage:N0} bytes; used_memory / keys {usedPerKey:N0} bytes (encoded state {UserDriftStateCodec.GetByteCount(Dimension)} bytes)."));
        if (scale.Length > 0)
        {
            output.WriteLine();
            Scale(output, database, redis.ConnectionString, world, scale, events, batchSize, repetitions, Median(evalsha));
        }

        return 0;
    }

    /// <summary>
    /// Cost as the number of users grows: for each count, a fresh processor (empty cache) and an empty Redis
    /// filled with every user's state, then events drawn uniformly from all of them. The processor keeps up
    /// to DriftDetector:UserCacheCapacity users in memory; beyond that a batch's users are mostly loaded
    /// from Redis first.
    /// </summary>
    private static void Scale(TextWriter output, IDatabase database, string connection, SyntheticWorld world, int[] userCounts, int events, int batchSize, int repetitions, double evalsha)
    {
        var options = new DriftDetectorOptions();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"## Scale: drift state against the number of users (D = {Dimension}, micro-batch {batchSize}, UserCacheCapacity {options.UserCacheCapacity:N0}, {events:N0} events per repetition, medians of {repetitions})"));
        output.WriteLine();
        output.WriteLine("| users | fill, each user once: events/s | events/s, users drawn uniformly (min-max) | ratio to raw EVALSHA -P 64 | users cached by the processor | Redis used_memory | Redis bytes per user | MEMORY USAGE of a state key, median | managed heap after |");
        output.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        using var telemetry = new BenchTelemetry();
        var driftMetrics = new DriftMetrics(telemetry.Metrics);
        var topics = new TopicNames();
        foreach (var users in userCounts)
        {
            database.Execute("FLUSHALL");
            GC.Collect();
            var processor = new DriftProcessor(options, new DriftStateStore(database, TimeSpan.FromDays(1)),
                new ItemCatalogReader(database), topics, driftMetrics, TimeProvider.System, NullLogger.Instance);
            var generator = new EventGenerator(world, users, seed: users);
            Console.Error.WriteLine($"drift: scale, {users:N0} users: filling Redis (each user once)");
            var fillStart = Stopwatch.GetTimestamp();
            foreach (var batch in generator.EachUserOnce(batchSize))
            {
                processor.ProcessAsync(batch, CancellationToken.None).AsTask().GetAwaiter().GetResult();
                processor.CompleteBatchAsync().GetAwaiter().GetResult();
            }

            var fill = users / Stopwatch.GetElapsedTime(fillStart).TotalSeconds;
            RunProcessor(processor, generator.Batches(events, batchSize)); // warm-up
            var rates = new List<double>();
            for (var r = 0; r < repetitions; r++)
            {
                var batches = generator.Batches(events, batchSize);
                rates.Add(events / RunProcessor(processor, batches));
            }

            var info = ((string)database.Execute("INFO", "memory")!).Split('\n')
                .Select(line => line.Trim().Split(':'))
                .Where(parts => parts.Length == 2)
                .ToDictionary(parts => parts[0], parts => parts[1]);
            var used = double.Parse(info["used_memory"], CultureInfo.InvariantCulture) - double.Parse(info["used_memory_startup"], CultureInfo.InvariantCulture);
            var (memoryUsage, _) = BytesPerUser(database, connection);
            var heap = GC.GetTotalMemory(forceFullCollection: true);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"drift: scale, {users:N0} users: {Median(rates):N0} events/s, {used / users:N0} bytes per user"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {users:N0} | {fill:N0} | {Median(rates):N0} ({rates.Min():N0}-{rates.Max():N0}) | {Median(rates) / evalsha:0.00} | {processor.CachedUsers:N0} | {used / (1 << 20):N0} MiB | {used / users:N0} | {memoryUsage:N0} | {heap / (1 << 20):N0} MiB |"));
            GC.KeepAlive(processor);
        }
    }

    /// <summary>Updates/s of the statistic alone over 1,000 users (no I/O), and the bytes allocated per event.</summary>
    private static (ThroughputResult Rates, double AllocatedPerEvent) StatisticAlone(SyntheticWorld world, DriftParameters parameters, int repetitions)
    {
        var detector = new InterestDriftDetector(parameters);
        var states = Enumerable.Range(0, 1000).Select(_ => UserDriftState.New(Dimension, parameters)).ToArray();
        var n = 0;
        var rates = Throughput.Measure(() =>
        {
            for (var i = 0; i < 1000; i++, n++)
            {
                detector.Apply(states[n % states.Length], world.Item((int)(n * 7919L % world.Items)).Span, 1f);
            }
        }, itemsPerOperation: 1000, repetitions, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(0.5));
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100_000; i++, n++)
        {
            detector.Apply(states[n % states.Length], world.Item((int)(n * 7919L % world.Items)).Span, 1f);
        }

        return (rates, (GC.GetAllocatedBytesForCurrentThread() - allocated) / 100_000.0);
    }

    private static double RunProcessor(DriftProcessor processor, List<List<ConsumeResult<byte[]?, byte[]?>>> batches)
    {
        var start = Stopwatch.GetTimestamp();
        foreach (var batch in batches)
        {
            processor.ProcessAsync(batch, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            processor.CompleteBatchAsync().GetAwaiter().GetResult();
        }

        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static (double MemoryUsage, double UsedPerKey) BytesPerUser(IDatabase database, string connection)
    {
        var keys = database.Multiplexer.GetServer(connection).Keys(pattern: "streamrec:user:*", pageSize: 1000).Take(200).ToList();
        var usages = keys.Select(k => (double)(long)database.Execute("MEMORY", "USAGE", (string)k!)).ToList();
        // INFO through Execute: the typed API wants the client's admin mode, which the stages never need.
        var info = ((string)database.Execute("INFO", "memory")!).Split('\n')
            .Select(line => line.Trim().Split(':'))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1]);
        var used = double.Parse(info["used_memory"], CultureInfo.InvariantCulture) - double.Parse(info["used_memory_startup"], CultureInfo.InvariantCulture);
        var count = (long)database.Execute("DBSIZE");
        return (Median(usages), used / Math.Max(1, count));
    }

    private static (List<double> Stage, List<double> Raw) StageThroughBroker(IDatabase database, SyntheticWorld world, int count, int batchSize, int repetitions)
    {
        using var telemetry = new BenchTelemetry();
        var driftMetrics = new DriftMetrics(telemetry.Metrics);
        using var cluster = new EmbeddedKafkaCluster();
        var kafka = new KafkaOptions
        {
            BootstrapServers = cluster.BootstrapServers,
            Consumer = new Dictionary<string, string>(EmbeddedKafkaCluster.ConsumerSettings, StringComparer.Ordinal),
        };
        var stage = new List<double>();
        var raw = new List<double>();
        for (var r = 0; r < repetitions; r++)
        {
            // A fresh topic per repetition (each partition keeps only ~5 MB: 16 partitions hold 100k events).
            var topics = new TopicNames { Embedded = $"bench-embedded-{r}", Mutations = $"bench-mutations-{r}" };
            cluster.CreateTopic(topics.Embedded, 16);
            cluster.CreateTopic(topics.Mutations, 4);
            var generator = new EventGenerator(world, 10_000, seed: 100 + r);
            using (var producer = new ProducerBuilder<byte[]?, byte[]?>(KafkaClientConfigs.Producer(kafka)).Build())
            {
                foreach (var record in generator.Batches(count, count).Single())
                {
                    producer.Produce(topics.Embedded, record.Message);
                }

                producer.Flush(TimeSpan.FromSeconds(60));
            }

            raw.Add(StageThroughput.RawConsume(kafka, topics.Embedded, count));
            database.Execute("FLUSHALL");
            var processor = new DriftProcessor(new DriftDetectorOptions(), new DriftStateStore(database, TimeSpan.FromDays(1)),
                new ItemCatalogReader(database), topics, driftMetrics, TimeProvider.System, NullLogger.Instance);
            stage.Add(StageThroughput.Run(kafka, topics.Embedded, processor, count, batchSize));
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"drift: repetition {r + 1}/{repetitions}: raw consume {raw[^1]:N0}/s, stage {stage[^1]:N0}/s"));
        }

        return (stage, raw);
    }

    private static string Row(string name, double median, double min, double max, string unit, double ratio) =>
        string.Create(CultureInfo.InvariantCulture, $"| {name} | {median:N0} | {min:N0} | {max:N0} | {unit} | {ratio:0.00} |");

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Unit item vectors around a few interest clusters.</summary>
    private sealed class SyntheticWorld
    {
        private readonly float[][] _items;

        public SyntheticWorld(int dimension, int items, int seed)
        {
            var random = new Random(seed);
            var centres = Enumerable.Range(0, 20).Select(_ => Unit(Enumerable.Range(0, dimension).Select(_ => Gaussian(random)).ToArray())).ToArray();
            _items = [.. Enumerable.Range(0, items).Select(i => Unit(centres[i % centres.Length].Select(c => c + (0.5f * Gaussian(random))).ToArray()))];
        }

        public int Items => _items.Length;

        public ReadOnlyMemory<float> Item(int index) => _items[index];

        private static float Gaussian(Random random) =>
            (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));

        private static float[] Unit(float[] v)
        {
            var norm = MathF.Sqrt(v.Sum(x => x * x));
            return [.. v.Select(x => x / norm)];
        }
    }

    /// <summary>Embedded-event records of users drawn uniformly, each user keeping to one partition, offsets increasing.</summary>
    private sealed class EventGenerator(SyntheticWorld world, int users, int seed)
    {
        private readonly Random _random = new(seed);
        private readonly Dictionary<int, long> _nextOffset = [];
        private long _events;

        public List<List<ConsumeResult<byte[]?, byte[]?>>> Batches(int count, int batchSize)
        {
            var records = new List<ConsumeResult<byte[]?, byte[]?>>(count);
            for (var i = 0; i < count; i++)
            {
                records.Add(Record(_random.Next(users)));
            }

            return [.. records.Chunk(batchSize).Select(c => c.ToList())];
        }

        /// <summary>Every user once, in batches, built as they are consumed (a million records need not be held at once).</summary>
        public IEnumerable<List<ConsumeResult<byte[]?, byte[]?>>> EachUserOnce(int batchSize)
        {
            for (var first = 0; first < users; first += batchSize)
            {
                yield return [.. Enumerable.Range(first, Math.Min(batchSize, users - first)).Select(Record)];
            }
        }

        private ConsumeResult<byte[]?, byte[]?> Record(int user)
        {
            var partition = user % 16;
            var offset = _nextOffset.GetValueOrDefault(partition);
            _nextOffset[partition] = offset + 1;
            var pseudonym = Convert.ToHexStringLower(BitConverter.GetBytes((ulong)user * 0x9E3779B97F4A7C15UL)) + "0000000000000000";
            var item = _random.Next(world.Items);
            var value = EmbeddedEventCodec.Write(new EmbeddedEvent
            {
                EventId = string.Create(CultureInfo.InvariantCulture, $"bench-{_events++}"),
                User = pseudonym,
                ItemId = string.Create(CultureInfo.InvariantCulture, $"item-{item}"),
                Ts = 1_700_000_000_000 + _events,
                Weight = 1f,
                ModelVersion = ModelVersion,
                Embedding = world.Item(item),
            });
            return new ConsumeResult<byte[]?, byte[]?>
            {
                TopicPartitionOffset = new TopicPartitionOffset("bench-embedded", partition, offset),
                Message = new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes(pseudonym), Value = value },
            };
        }
    }
}
