using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamRec.Embedder.Embedding;
using StreamRec.Messaging;
using StreamRec.Messaging.Health;
using StreamRec.Messaging.Stages;
using StreamRec.Storage;

namespace StreamRec.Embedder.Stage;

/// <summary>
/// Hosts the embed stage: clean topic in, embedded and dead-letter topics out, item vectors to Redis.
/// The model is loaded and Redis connected when the worker starts, so a missing model or a wrong
/// setting stops the process at once with a message that says what to fix.
/// </summary>
public sealed class EmbedderWorker(
    IOptions<KafkaOptions> kafka,
    IOptions<EmbedderOptions> embedder,
    RedisConnection redis,
    StreamRecMetrics metrics,
    EmbedderMetrics embedderMetrics,
    ConsumerStatusRegistry consumers,
    TimeProvider clock,
    ILogger<EmbedderWorker> logger) : StageWorker(EmbedderProcessor.Stage, metrics, logger)
{
    protected override string? TransientReason(Exception failure) => RedisFailures.TransientReason(failure) ?? base.TransientReason(failure);

    protected override IReadOnlyList<string> RestartReasons => [RedisFailures.Reason, KafkaFailures.Reason];

    protected override async Task RunStageAsync(CancellationToken stoppingToken)
    {
        var options = embedder.Value;
        using var service = EmbeddingService.Load(options, logger, embedderMetrics);
        var connection = await redis.GetAsync(stoppingToken).ConfigureAwait(false);
        var processor = new EmbedderProcessor(
            service, kafka.Value.Topics, clock, logger);
        // One attempt's loops stop together: the survivor of a failed loop must not outlive the attempt
        // (the worker starts a new one, with a new model, after a transient failure).
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var loops = new List<Task>
        {
            new StageLoop(kafka.Value, new StageLoopOptions
            {
                InputTopic = kafka.Value.Topics.Clean,
                GroupId = options.GroupId,
                MaxBatchSize = options.MicroBatchSize,
                MaxBatchWait = options.MicroBatchWait,
            }, processor, Metrics, consumers, logger).RunAsync(attempt.Token),
        };
        if (options.ConsumeCatalog)
        {
            // The same model and cache: a catalog item and the same item in an event get the same vector.
            loops.Add(CatalogLoop(kafka.Value, options, service, connection.GetDatabase(), embedderMetrics, Metrics, consumers, clock, logger).RunAsync(attempt.Token));
        }

        // Either loop failing ends the attempt.
        await RunTogetherAsync(loops, attempt).ConfigureAwait(false);
    }

    /// <summary>
    /// The catalog loop (Embedder:ConsumeCatalog): the catalog topic's items embedded with
    /// <paramref name="service"/> and stored in Redis, as this worker and a fused chain run it.
    /// </summary>
    public static StageLoop CatalogLoop(
        KafkaOptions kafka, EmbedderOptions options, EmbeddingService service, IDatabase database, EmbedderMetrics embedderMetrics,
        StreamRecMetrics metrics, ConsumerStatusRegistry consumers, TimeProvider clock, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(kafka);
        ArgumentNullException.ThrowIfNull(options);
        return new StageLoop(kafka, new StageLoopOptions
        {
            InputTopic = kafka.Topics.Catalog,
            GroupId = options.CatalogGroupId,
            MaxBatchSize = options.MicroBatchSize,
            MaxBatchWait = options.MicroBatchWait,
        }, new CatalogProcessor(service, new ItemCatalogWriter(database, clock), kafka.Topics, embedderMetrics, clock, logger), metrics, consumers, logger);
    }
}
