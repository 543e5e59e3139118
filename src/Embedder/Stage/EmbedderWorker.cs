using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamRec.Embedder.Embedding;
using StreamRec.Messaging;
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
    IOptions<RedisOptions> redis,
    TimeProvider clock,
    ILogger<EmbedderWorker> logger) : StageWorker(EmbedderProcessor.Stage, logger)
{
    protected override async Task RunStageAsync(CancellationToken stoppingToken)
    {
        var options = embedder.Value;
        using var service = EmbeddingService.Load(options, logger);
        using var connection = await RedisConnector.ConnectAsync(redis.Value).ConfigureAwait(false);
        var processor = new EmbedderProcessor(
            service, new ItemCatalogWriter(connection.GetDatabase(), clock), kafka.Value.Topics, options.KnownItemsCapacity, clock, logger);
        var loops = new List<Task>
        {
            new StageLoop(kafka.Value, new StageLoopOptions
            {
                InputTopic = kafka.Value.Topics.Clean,
                GroupId = options.GroupId,
                MaxBatchSize = options.MicroBatchSize,
                MaxBatchWait = options.MicroBatchWait,
            }, processor, logger).RunAsync(stoppingToken),
        };
        if (options.ConsumeCatalog)
        {
            // The same model and cache: a catalog item and the same item in an event get the same vector.
            loops.Add(new StageLoop(kafka.Value, new StageLoopOptions
            {
                InputTopic = kafka.Value.Topics.Catalog,
                GroupId = options.CatalogGroupId,
                MaxBatchSize = options.MicroBatchSize,
                MaxBatchWait = options.MicroBatchWait,
            }, new CatalogProcessor(service, new ItemCatalogWriter(connection.GetDatabase(), clock), kafka.Value.Topics, clock, logger), logger).RunAsync(stoppingToken));
        }

        // Either loop failing fails the stage (and the process); the other is then stopped with it.
        await await Task.WhenAny(loops).ConfigureAwait(false);
        await Task.WhenAll(loops).ConfigureAwait(false);
    }
}
