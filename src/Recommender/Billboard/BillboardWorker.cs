using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamRec.Messaging;
using StreamRec.Messaging.Health;
using StreamRec.Messaging.Stages;
using StreamRec.Recommender.Stage;
using StreamRec.Storage;

namespace StreamRec.Recommender.Billboard;

/// <summary>
/// Hosts the billboard in the Recommender's process (<c>Recommender:Billboard:Enabled</c>; otherwise it
/// does nothing): the embedded-events topic in, with a consumer group of its own, counted into Redis by
/// <see cref="BillboardProcessor"/>, and a clock that looks every few seconds (at most) whether a step
/// boundary passed and then lets <see cref="BillboardReleaser"/> release it. Any number of replicas may
/// run: the counts, bounds, noise and release locks are all in Redis. If either half fails, both stop
/// and the stage worker restarts them (or the process exits), as for every stage.
/// </summary>
public sealed class BillboardWorker(
    IOptions<KafkaOptions> kafka,
    IOptions<RecommenderOptions> recommender,
    RedisConnection redis,
    StreamRecMetrics metrics,
    RecommenderMetrics recommenderMetrics,
    ConsumerStatusRegistry consumers,
    TimeProvider clock,
    ILogger<BillboardWorker> logger) : StageWorker(BillboardProcessor.Stage, metrics, logger)
{
    protected override string? TransientReason(Exception failure) => RedisFailures.TransientReason(failure) ?? base.TransientReason(failure);

    protected override IReadOnlyList<string> RestartReasons => [RedisFailures.Reason, KafkaFailures.Reason];

    protected override async Task RunStageAsync(CancellationToken stoppingToken)
    {
        var options = recommender.Value.Billboard;
        if (!options.Enabled)
        {
            return;
        }

        var connection = await redis.GetAsync(stoppingToken).ConfigureAwait(false);
        using var billboard = BillboardParts.Create(options, connection.GetDatabase(), kafka.Value, recommenderMetrics, clock, logger);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var counting = new StageLoop(kafka.Value, new StageLoopOptions
        {
            InputTopic = kafka.Value.Topics.Embedded,
            GroupId = options.GroupId,
            MaxBatchSize = options.MicroBatchSize,
        }, billboard.Processor, Metrics, consumers, logger).RunAsync(stop.Token);
        var releasing = billboard.Releaser.RunAsync(clock, stop.Token);
        try
        {
            await Task.WhenAny(counting, releasing).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
        }

        // The counting loop first: its failure is the one to report when both ended.
        await Task.WhenAll(counting, releasing).ConfigureAwait(false);
    }
}
