using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamRec.DriftDetector.Stage;
using StreamRec.Embedder.Embedding;
using StreamRec.Embedder.Stage;
using StreamRec.Ingest;
using StreamRec.Messaging;
using StreamRec.Messaging.Health;
using StreamRec.Messaging.Stages;
using StreamRec.Recommender.Billboard;
using StreamRec.Recommender.Stage;
using StreamRec.Storage;

namespace StreamRec.Cli.Hosting;

/// <summary>
/// Hosts the fused stages of a process (<see cref="TopologyPlan"/>) as one chain: one consumer of the
/// first stage's topic (with that stage's consumer group and micro-batch settings), each batch passed in
/// process through the stages (<see cref="FusedProcessor"/>), only the records somebody else reads
/// produced. Beside the chain run what has its own input or clock: the Embedder's catalog loop and the
/// billboard's releases. Each stage is built as its own worker builds it, from its own options, so its
/// settings, metrics and logs are the same in both topologies. A transient Kafka or Redis failure starts
/// the whole chain again (<see cref="StageWorker"/>), from the committed offsets.
/// </summary>
public sealed partial class FusedWorker(
    IServiceProvider services,
    TopologyPlan plan,
    IOptions<KafkaOptions> kafka,
    RedisConnection redis,
    StreamRecMetrics metrics,
    ConsumerStatusRegistry consumers,
    TimeProvider clock,
    ILogger<FusedWorker> logger) : StageWorker(FusedProcessor.Stage, metrics, logger)
{
    protected override string? TransientReason(Exception failure) => RedisFailures.TransientReason(failure) ?? base.TransientReason(failure);

    protected override IReadOnlyList<string> RestartReasons => [RedisFailures.Reason, KafkaFailures.Reason];

    protected override async Task RunStageAsync(CancellationToken stoppingToken)
    {
        var stages = plan.Fused;
        var topics = kafka.Value.Topics;
        var connection = await redis.GetAsync(stoppingToken).ConfigureAwait(false);
        var database = connection.GetDatabase();
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var beside = new List<Func<CancellationToken, Task>>();
        EmbeddingService? encoder = null;
        BillboardParts? billboard = null;
        try
        {
            // What the chains share: the encoder (thread-safe, as the split Embedder's catalog loop and stage
            // loop share it), the catalog loop and the billboard's releases.
            if (stages.Embed)
            {
                var options = Options<EmbedderOptions>();
                var embedderMetrics = services.GetRequiredService<EmbedderMetrics>();
                encoder = EmbeddingService.Load(options, logger, embedderMetrics);
                if (options.ConsumeCatalog)
                {
                    var catalog = EmbedderWorker.CatalogLoop(kafka.Value, options, encoder, database, embedderMetrics, Metrics, consumers, clock, logger);
                    beside.Add(catalog.RunAsync);
                }
            }

            if (stages.Recommend && Options<RecommenderOptions>() is { Billboard.Enabled: true } recommender)
            {
                // A fused recommend stage always follows the DriftDetector, so the embedded events are in the chain.
                billboard = BillboardParts.Create(recommender.Billboard, database, kafka.Value, services.GetRequiredService<RecommenderMetrics>(), clock, logger);
                var releaser = billboard.Releaser;
                beside.Add(token => releaser.RunAsync(clock, token));
            }

            var loops = new List<Task>();
            for (var chain = 0; chain < plan.Chains; chain++)
            {
                var (fused, input) = Chain(chain, database, connection, encoder, billboard);
                if (chain == 0)
                {
                    LogFusedStarted(logger, stages.ToString(), plan.Chains, fused.InputTopic, input.GroupId, fused.UnwrittenTopics.Count == 0 ? "none" : string.Join(", ", fused.UnwrittenTopics));
                }

                loops.Add(new StageLoop(kafka.Value, input, fused, Metrics, consumers, logger).RunAsync(attempt.Token));
            }

            loops.AddRange(beside.Select(run => run(attempt.Token)));

            // Any loop failing ends the attempt.
            await RunTogetherAsync(loops, attempt).ConfigureAwait(false);
        }
        finally
        {
            billboard?.Dispose();
            encoder?.Dispose();
        }
    }

    /// <summary>One chain: its own stages, each built as its worker builds it, and the options of the loop that feeds it.</summary>
    private (FusedProcessor Processor, StageLoopOptions Input) Chain(
        int index, IDatabase database, IConnectionMultiplexer connection, EmbeddingService? encoder, BillboardParts? billboard)
    {
        var stages = plan.Fused;
        var topics = kafka.Value.Topics;
        var links = new List<FusedLink>();
        StageLoopOptions? input = null;
        if (stages.Ingest)
        {
            var options = Options<IngestOptions>();
            links.Add(new FusedLink(IngestWorker.CreateProcessor(options, topics, clock), topics.Raw));
            input ??= new StageLoopOptions { InputTopic = topics.Raw, GroupId = options.GroupId, MaxBatchSize = options.MaxBatchSize, MaxBatchWait = options.MaxBatchWait };
        }

        if (stages.Embed)
        {
            var options = Options<EmbedderOptions>();
            links.Add(new FusedLink(new EmbedderProcessor(encoder!, topics, clock, logger), topics.Clean));
            input ??= new StageLoopOptions { InputTopic = topics.Clean, GroupId = options.GroupId, MaxBatchSize = options.MicroBatchSize, MaxBatchWait = options.MicroBatchWait };
        }

        if (stages.Drift)
        {
            var options = Options<DriftDetectorOptions>();
            links.Add(new FusedLink(
                DriftDetectorWorker.CreateProcessor(options, database, topics, services.GetRequiredService<DriftMetrics>(), clock, logger, redis.ReplicaWait(connection)), topics.Embedded));
            input ??= new StageLoopOptions { InputTopic = topics.Embedded, GroupId = options.GroupId, MaxBatchSize = options.MicroBatchSize, MaxBatchWait = options.MicroBatchWait };
        }

        if (stages.Recommend)
        {
            var options = Options<RecommenderOptions>();
            if (billboard is not null)
            {
                links.Add(new FusedLink(index == 0 ? billboard.Processor : billboard.NewProcessor(), topics.Embedded));
            }

            if (options.Trigger == RecommenderOptions.MutationTrigger)
            {
                links.Add(new FusedLink(RecommenderWorker.CreateProcessor(
                    options, database, topics, services.GetRequiredService<RecommenderMetrics>(), clock, logger, redis.ReplicaWait(connection)), topics.Mutations));
            }
        }

        // Without the recommend stage here, a billboard in another process reads the embedded topic.
        return (new FusedProcessor(links, topics, Metrics, plan.WriteIntermediateTopics, writeEmbeddedTopic: !stages.Recommend && BillboardElsewhere()), input!);
    }

    private T Options<T>()
        where T : class => services.GetRequiredService<IOptions<T>>().Value;

    /// <summary>Whether a recommend stage elsewhere may count the billboard from the embedded topic (unless this configuration turns the billboard off).</summary>
    private bool BillboardElsewhere() =>
        !bool.TryParse(services.GetRequiredService<IConfiguration>()[
            $"{RecommenderOptions.SectionName}:{nameof(RecommenderOptions.Billboard)}:{nameof(BillboardOptions.Enabled)}"], out var enabled) || enabled;

    [LoggerMessage(EventId = 112, Level = LogLevel.Information,
        Message = "Stages {Stages} fused in {Chains} chain(s): each one consumer of {Topic} as group {Group}, records handed on in process; topics not written: {Unwritten}")]
    private static partial void LogFusedStarted(ILogger logger, string stages, int chains, string topic, string group, string unwritten);
}
