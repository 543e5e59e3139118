using System.Security.Cryptography;
using StackExchange.Redis;
using StreamRec.Benchmarks.Harness;
using StreamRec.DriftDetector.Stage;
using StreamRec.DriftDetector.State;
using StreamRec.Embedded;
using StreamRec.Embedder.Embedding;
using StreamRec.Embedder.Stage;
using StreamRec.Ingest;
using StreamRec.Messaging;
using StreamRec.Messaging.Stages;
using StreamRec.Datasets;
using StreamRec.Recommender.Stage;
using StreamRec.Replay;
using StreamRec.Replay.Terminal;
using StreamRec.Storage;

namespace StreamRec.Benchmarks.EndToEnd;

/// <summary>
/// The whole pipeline in this process, as <c>streamrec demo</c> hosts it: the embedded broker, a
/// redis-server, and the four stages as Kafka workers, each configured as <c>streamrec run</c> configures
/// it (its options' defaults: micro-batches of 512 for Ingest, the Embedder and the DriftDetector, 64 for
/// the Recommender; one Redis connection shared by the stages). The stages log to a <see cref="CountingLogger"/>.
/// <see cref="Backlog"/> reads how far each stage is behind from the stages' own counters.
/// </summary>
internal sealed class Pipeline : IAsyncDisposable
{
    private readonly List<IDisposable> _owned = [];
    private readonly int _partitions;
    private RunningStages? _stages;

    private readonly EmbeddedKafkaCluster? _cluster;
    private readonly ExternalBroker? _externalBroker;

    private Pipeline(EmbeddedKafkaCluster? cluster, ExternalBroker? externalBroker, RedisServerProcess redis, ConnectionMultiplexer connection, EmbeddingService encoder, int partitions, int? fetchWaitMs, int? lingerMs,
        IReadOnlyDictionary<string, string>? producer, IReadOnlyDictionary<string, string>? consumer)
    {
        _partitions = partitions;
        _cluster = cluster;
        _externalBroker = externalBroker;
        Redis = redis;
        Connection = connection;
        Encoder = encoder;
        Counters = new StageCounters(Telemetry.Metrics);
        Kafka = new KafkaOptions
        {
            BootstrapServers = cluster?.BootstrapServers ?? externalBroker!.BootstrapServers,
            Consumer = new Dictionary<string, string>(EmbeddedKafkaCluster.ConsumerSettings, StringComparer.Ordinal),
        };
        if (fetchWaitMs is { } wait)
        {
            // How long the broker may hold a fetch that finds no new data (librdkafka's default is 500 ms).
            Kafka.Consumer["fetch.wait.max.ms"] = wait.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (lingerMs is { } linger)
        {
            Kafka.Producer["linger.ms"] = linger.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        // A variant's own client settings (TopologyVariant) last: they are what it measures.
        foreach (var (key, value) in producer ?? new Dictionary<string, string>())
        {
            Kafka.Producer[key] = value;
        }

        foreach (var (key, value) in consumer ?? new Dictionary<string, string>())
        {
            Kafka.Consumer[key] = value;
        }
    }

    /// <summary>The broker process's RSS in MiB when it runs in its own process; null when it is in this one.</summary>
    public double? ExternalBrokerRssMiB() => _externalBroker?.RssMiB();

    /// <summary>The in-process broker (not with an external one).</summary>
    public EmbeddedKafkaCluster Cluster => _cluster ?? throw new InvalidOperationException("The broker runs in its own process.");

    public RedisServerProcess Redis { get; }

    /// <summary>The benchmark's own connection (not a stage's).</summary>
    public ConnectionMultiplexer Connection { get; }

    public EmbeddingService Encoder { get; }

    public KafkaOptions Kafka { get; }

    public TopicNames Topics { get; } = new();

    /// <summary>The stages' meter and consumer registry (what /metrics of a worker would show).</summary>
    public BenchTelemetry Telemetry { get; } = new();

    public StageCounters Counters { get; }

    public CountingLogger Logs { get; } = new();

    /// <summary>
    /// Starts the broker (every StreamRec topic with <paramref name="partitions"/> partitions), redis-server
    /// and the encoder; not the stages yet. <paramref name="fetchWaitMs"/> sets every consumer's
    /// fetch.wait.max.ms (null: librdkafka's default); <paramref name="producer"/> and <paramref name="consumer"/>
    /// are librdkafka settings of every client the stages and the load generator build, applied last.
    /// </summary>
    public static async Task<Pipeline> StartAsync(int partitions, string modelPath, int? fetchWaitMs = null, int? lingerMs = null, bool externalBroker = false,
        IReadOnlyDictionary<string, string>? producer = null, IReadOnlyDictionary<string, string>? consumer = null)
    {
        var topics = new TopicNames();
        EmbeddedKafkaCluster? cluster = null;
        ExternalBroker? external = null;
        if (externalBroker)
        {
            // `streamrec dev-kafka` in a process of its own, so that the broker's logs (up to ~5 MB per
            // partition) are not in this process's memory.
            external = await ExternalBroker.StartAsync([.. topics.All.Select(t => $"{t}:{partitions}")]);
        }
        else
        {
            cluster = new EmbeddedKafkaCluster();
            foreach (var topic in topics.All)
            {
                cluster.CreateTopic(topic, partitions);
            }
        }

        var redis = await RedisServerProcess.StartAsync();
        // Admin mode: the benchmark empties its own throwaway server between phases, and FLUSHALL is an
        // admin command to StackExchange.Redis 3.x.
        var connection = await RedisConnector.ConnectAsync(new RedisOptions { Configuration = redis.ConnectionString + ",allowAdmin=true" });
        var encoder = EmbeddingService.Load(new EmbedderOptions { ModelPath = modelPath });
        return new Pipeline(cluster, external, redis, connection, encoder, partitions, fetchWaitMs, lingerMs, producer, consumer);
    }

    /// <summary>
    /// Starts the four stages (the Embedder with its catalog loop), then publishes <paramref name="films"/>
    /// on the catalog topic and waits until the Embedder has stored them: they are the Recommender's only
    /// candidates (items the events name never are). <paramref name="batchWait"/> replaces every stage's
    /// micro-batch wait, <paramref name="batchSize"/> every stage's micro-batch size. <paramref name="fused"/>:
    /// one consumer of the raw topic whose batches pass in process through the four stages
    /// (<see cref="FusedProcessor"/>, as <c>streamrec run</c> hosts all stages in one process), instead of
    /// each stage consuming its own topic. <paramref name="chains"/> fused chains share the raw topic's
    /// partitions as members of one consumer group, each with its own stage instances (as that many
    /// processes would), so that the chains' batches are processed in parallel.
    /// </summary>
    public async Task StartStagesAsync(IReadOnlyList<Movie> films, TimeSpan? batchWait = null, int? batchSize = null, bool fused = false, int chains = 1)
    {
        // One connection shared by the stages, as a `streamrec run` process shares one (RedisConnection).
        var stagesConnection = await RedisConnector.ConnectAsync(new RedisOptions { Configuration = Redis.ConnectionString });
        _owned.Add(stagesConnection);
        var database = stagesConnection.GetDatabase();

        var ingest = new IngestOptions { PseudonymKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };
        var embedder = new EmbedderOptions();
        var drift = new DriftDetectorOptions();
        var recommender = new RecommenderOptions();
        if (batchWait is { } wait)
        {
            ingest.MaxBatchWait = embedder.MicroBatchWait = drift.MicroBatchWait = recommender.MicroBatchWait = wait;
        }

        if (batchSize is { } size)
        {
            ingest.MaxBatchSize = embedder.MicroBatchSize = drift.MicroBatchSize = recommender.MicroBatchSize = size;
        }

        var metrics = Telemetry.Metrics;
        var consumers = Telemetry.Consumers;
        var recommenderMetrics = new RecommenderMetrics(metrics);
        IngestProcessor Ingest() => new(new RawEventValidator(ingest, TimeProvider.System), Pseudonymizer.FromOptions(ingest), Topics, TimeProvider.System);
        EmbedderProcessor Embedder() => new(Encoder, Topics, TimeProvider.System, Logs);
        DriftProcessor Drift() => new(drift, new DriftStateStore(database, drift.StateTimeToLive), new ItemCatalogReader(database), Topics, new DriftMetrics(metrics), TimeProvider.System, Logs);
        RecommenderProcessor Recommender() => new(ReleaseMaker.ForRedis(recommender, database, TimeProvider.System, Logs, recommenderMetrics), Topics, recommenderMetrics, TimeProvider.System, Logs);
        Task Catalog(CancellationToken stop) =>
            new StageLoop(Kafka, new StageLoopOptions { InputTopic = Topics.Catalog, GroupId = embedder.CatalogGroupId, MaxBatchSize = embedder.MicroBatchSize, MaxBatchWait = embedder.MicroBatchWait },
                new CatalogProcessor(Encoder, new ItemCatalogWriter(database, TimeProvider.System), Topics, new EmbedderMetrics(metrics), TimeProvider.System, Logs),
                metrics, consumers, Logs).RunAsync(stop);
        Task Chain(CancellationToken stop) =>
            new StageLoop(Kafka, new StageLoopOptions { InputTopic = Topics.Raw, GroupId = ingest.GroupId, MaxBatchSize = ingest.MaxBatchSize, MaxBatchWait = ingest.MaxBatchWait },
                new FusedProcessor([new(Ingest(), Topics.Raw), new(Embedder(), Topics.Clean), new(Drift(), Topics.Embedded), new(Recommender(), Topics.Mutations)], Topics, metrics),
                metrics, consumers, Logs).RunAsync(stop);
        _stages = fused
            ? new RunningStages(stop => [.. Enumerable.Range(0, chains).Select(_ => Chain(stop)), Catalog(stop)])
            : new RunningStages(stop =>
            [
                new StageLoop(Kafka, new StageLoopOptions { InputTopic = Topics.Raw, GroupId = ingest.GroupId, MaxBatchSize = ingest.MaxBatchSize, MaxBatchWait = ingest.MaxBatchWait },
                    Ingest(), metrics, consumers, Logs).RunAsync(stop),
                new StageLoop(Kafka, new StageLoopOptions { InputTopic = Topics.Clean, GroupId = embedder.GroupId, MaxBatchSize = embedder.MicroBatchSize, MaxBatchWait = embedder.MicroBatchWait },
                    Embedder(), metrics, consumers, Logs).RunAsync(stop),
                Catalog(stop),
                new StageLoop(Kafka, new StageLoopOptions { InputTopic = Topics.Embedded, GroupId = drift.GroupId, MaxBatchSize = drift.MicroBatchSize, MaxBatchWait = drift.MicroBatchWait },
                    Drift(), metrics, consumers, Logs).RunAsync(stop),
                new StageLoop(Kafka, new StageLoopOptions { InputTopic = Topics.Mutations, GroupId = recommender.GroupId, MaxBatchSize = recommender.MicroBatchSize, MaxBatchWait = recommender.MicroBatchWait },
                    Recommender(), metrics, consumers, Logs).RunAsync(stop),
            ]);

        var published = CatalogPublisher.Publish(KafkaClientConfigs.Producer(Kafka), Topics.Catalog, MovieLensCatalog.Items(films), CancellationToken.None);
        if (published.Failed > 0)
        {
            throw new InvalidOperationException($"{published.Failed:N0} films were not delivered to {Topics.Catalog}: {published.FirstError}");
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (Counters.Consumed(CatalogProcessor.Stage) < published.Delivered)
        {
            await _stages.ThrowIfFaultedAsync();
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the Embedder stored {Counters.Consumed(CatalogProcessor.Stage):N0} of {published.Delivered:N0} films in 2 min");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Records each stage has yet to finish, from <paramref name="delivered"/> raw events on (each stage's input minus what it has consumed).</summary>
    public Backlog Backlog(long delivered) => new(
        delivered - Counters.Consumed(IngestProcessor.Stage),
        Counters.Forwarded(IngestProcessor.Stage) - Counters.Consumed(EmbedderProcessor.Stage),
        Counters.Forwarded(EmbedderProcessor.Stage) - Counters.Consumed(DriftProcessor.Stage),
        Counters.Forwarded(DriftProcessor.Stage) - Counters.Consumed(RecommenderProcessor.Stage));

    /// <summary>
    /// Partitions of the event topics whose oldest records the embedded broker has already dropped (it keeps
    /// about 5 MB per partition, in this process's memory): until all have, the broker's share of the
    /// process's RSS still grows with every record produced.
    /// </summary>
    public (int AtRetention, int Partitions) RetentionReached()
    {
        using var consumer = new Confluent.Kafka.ConsumerBuilder<byte[]?, byte[]?>(KafkaClientConfigs.Consumer(Kafka, $"bench-watermarks-{Guid.NewGuid():N}")).Build();
        int at = 0, all = 0;
        foreach (var topic in (string[])[Topics.Raw, Topics.Clean, Topics.Embedded])
        {
            for (var partition = 0; partition < _partitions; partition++)
            {
                all++;
                var marks = consumer.QueryWatermarkOffsets(new Confluent.Kafka.TopicPartition(topic, partition), TimeSpan.FromSeconds(5));
                if (marks.Low.Value > 0)
                {
                    at++;
                }
            }
        }

        return (at, all);
    }

    /// <summary>Events the drift stage has finished: the end of the event path (what reaches the recommender is one record per mutation).</summary>
    public long Detected => Counters.Consumed(DriftProcessor.Stage);

    /// <summary>
    /// A stage that failed fails the benchmark with its error, at once: the other stages are told to stop
    /// but not waited for (they never end by themselves, and one may be stuck on what the failed one
    /// left behind); <see cref="DisposeAsync"/> waits for them.
    /// </summary>
    public Task ThrowIfFaultedAsync() => _stages?.ThrowIfFaultedAsync() ?? Task.CompletedTask;

    /// <summary>Waits until every stage has handled everything from the <paramref name="delivered"/> raw events; false after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitDrainedAsync(Func<long> delivered, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            await ThrowIfFaultedAsync();
            if (Backlog(delivered()).Total == 0)
            {
                return true;
            }

            await Task.Delay(50); // polling a condition with a deadline
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_stages is not null)
            {
                await _stages.DisposeAsync();
            }
        }
        finally
        {
            foreach (var owned in _owned)
            {
                owned.Dispose();
            }

            Encoder.Dispose();
            Connection.Dispose();
            Redis.Dispose();
            _cluster?.Dispose();
            _externalBroker?.Dispose();
            Counters.Dispose();
            Telemetry.Dispose();
        }
    }
}

/// <summary>Records waiting at each stage's input.</summary>
internal readonly record struct Backlog(long Raw, long Clean, long Embedded, long Mutations)
{
    public long Total => Raw + Clean + Embedded + Mutations;

    /// <summary>Events not yet through the drift stage (mutations are another kind of record).</summary>
    public long Events => Raw + Clean + Embedded;
}
