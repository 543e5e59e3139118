using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamRec.DriftDetector.State;
using StreamRec.Messaging;
using StreamRec.Messaging.Health;
using StreamRec.Messaging.Stages;
using StreamRec.Storage;

namespace StreamRec.DriftDetector.Stage;

/// <summary>
/// Hosts the drift stage: embedded topic in, mutations and dead-letter topics out, per-user state in
/// Redis. An unreachable Redis (an outage, or a wrong address) is a transient failure: the stage
/// starts again with backoff (<see cref="StageWorker"/>) while <c>/readyz</c> reports <c>redis</c> false.
/// </summary>
public sealed class DriftDetectorWorker(
    IOptions<KafkaOptions> kafka,
    IOptions<DriftDetectorOptions> drift,
    RedisConnection redis,
    StreamRecMetrics metrics,
    DriftMetrics driftMetrics,
    ConsumerStatusRegistry consumers,
    TimeProvider clock,
    ILogger<DriftDetectorWorker> logger) : StageWorker(DriftProcessor.Stage, metrics, logger)
{
    protected override string? TransientReason(Exception failure) => RedisFailures.TransientReason(failure) ?? base.TransientReason(failure);

    protected override IReadOnlyList<string> RestartReasons => [RedisFailures.Reason, KafkaFailures.Reason];

    protected override async Task RunStageAsync(CancellationToken stoppingToken)
    {
        var options = drift.Value;
        var connection = await redis.GetAsync(stoppingToken).ConfigureAwait(false);
        var processor = CreateProcessor(options, connection.GetDatabase(), kafka.Value.Topics, driftMetrics, clock, logger);
        await new StageLoop(kafka.Value, new StageLoopOptions
        {
            InputTopic = kafka.Value.Topics.Embedded,
            GroupId = options.GroupId,
            MaxBatchSize = options.MicroBatchSize,
            MaxBatchWait = options.MicroBatchWait,
        }, processor, Metrics, consumers, logger).RunAsync(stoppingToken).ConfigureAwait(false);
    }

    /// <summary>The stage's processor on <paramref name="database"/>, as this worker and a fused chain (several stages in one process) run it; logs its settings.</summary>
    public static DriftProcessor CreateProcessor(
        DriftDetectorOptions options, IDatabase database, TopicNames topics, DriftMetrics metrics, TimeProvider clock, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(database);
        var processor = new DriftProcessor(
            options, new DriftStateStore(database, options.StateTimeToLive), new ItemCatalogReader(database), topics, metrics, clock, logger);
        var p = options.Detection;
        Log.Started(logger, options.StateTimeToLive, options.UserCacheCapacity, p.ShortRate, p.LongRate, p.CusumSlack, p.CusumThreshold, p.WarmUpEvents, p.CooldownEvents);
        return processor;
    }
}
