using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamRec.DriftDetector.State;
using StreamRec.Messaging;
using StreamRec.Messaging.Stages;
using StreamRec.Storage;

namespace StreamRec.DriftDetector.Stage;

/// <summary>
/// Hosts the drift stage: embedded topic in, mutations and dead-letter topics out, per-user state in
/// Redis. Redis is connected when the worker starts, so a wrong address stops the process at once.
/// </summary>
public sealed class DriftDetectorWorker(
    IOptions<KafkaOptions> kafka,
    IOptions<DriftDetectorOptions> drift,
    IOptions<RedisOptions> redis,
    TimeProvider clock,
    ILogger<DriftDetectorWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var options = drift.Value;
            using var connection = await RedisConnector.ConnectAsync(redis.Value).ConfigureAwait(false);
            var database = connection.GetDatabase();
            var processor = new DriftProcessor(
                options, new DriftStateStore(database, options.StateTimeToLive), new ItemCatalogReader(database), kafka.Value.Topics, clock, logger);
            var p = options.Detection;
            Log.Started(logger, options.StateTimeToLive, options.UserCacheCapacity, p.ShortRate, p.LongRate, p.CusumSlack, p.CusumThreshold, p.WarmUpEvents, p.CooldownEvents);
            var loop = new StageLoop(kafka.Value, new StageLoopOptions
            {
                InputTopic = kafka.Value.Topics.Embedded,
                GroupId = options.GroupId,
                MaxBatchSize = options.MicroBatchSize,
                MaxBatchWait = options.MicroBatchWait,
            }, processor, logger);
            await loop.RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A stage that cannot continue fails loudly: non-zero exit, Kubernetes restarts it, and the
            // unwritten batches are processed again from the last committed offsets.
            Log.StageFailed(logger, e);
            Environment.ExitCode = 1;
            throw;
        }
    }
}
