using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamRec.Messaging;
using StreamRec.Messaging.Health;
using StreamRec.Messaging.Stages;
using StreamRec.Storage;

namespace StreamRec.Recommender.Stage;

/// <summary>
/// Hosts the recommend stage in its default mode (<c>Recommender:Trigger = mutation</c>): mutations topic
/// in, recommendations and dead-letter topics out, the candidate catalog, the billboard and the privacy
/// ledger in Redis. Strict mode's noise comes from the operating system's cryptographic random number generator.
/// </summary>
public sealed class RecommenderWorker(
    IOptions<KafkaOptions> kafka,
    IOptions<RecommenderOptions> recommender,
    RedisConnection redis,
    StreamRecMetrics metrics,
    RecommenderMetrics recommenderMetrics,
    ConsumerStatusRegistry consumers,
    TimeProvider clock,
    ILogger<RecommenderWorker> logger) : StageWorker(RecommenderProcessor.Stage, metrics, logger)
{
    protected override string? TransientReason(Exception failure) => RedisFailures.TransientReason(failure) ?? base.TransientReason(failure);

    protected override IReadOnlyList<string> RestartReasons => [RedisFailures.Reason, KafkaFailures.Reason];

    protected override async Task RunStageAsync(CancellationToken stoppingToken)
    {
        var options = recommender.Value;
        if (options.Trigger != RecommenderOptions.MutationTrigger)
        {
            return; // ScheduledRecommenderWorker releases on the schedule instead
        }

        var connection = await redis.GetAsync(stoppingToken).ConfigureAwait(false);
        var processor = CreateProcessor(options, connection.GetDatabase(), kafka.Value.Topics, recommenderMetrics, clock, logger);
        await new StageLoop(kafka.Value, new StageLoopOptions
        {
            InputTopic = kafka.Value.Topics.Mutations,
            GroupId = options.GroupId,
            MaxBatchSize = options.MicroBatchSize,
            MaxBatchWait = options.MicroBatchWait,
        }, processor, Metrics, consumers, logger).RunAsync(stoppingToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The mutation-triggered stage's processor on <paramref name="database"/>, as this worker and a fused
    /// chain (several stages in one process) run it; logs its settings.
    /// </summary>
    public static RecommenderProcessor CreateProcessor(
        RecommenderOptions options, IDatabase database, TopicNames topics, RecommenderMetrics metrics, TimeProvider clock, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        var releases = ReleaseMaker.ForRedis(options, database, clock, logger, metrics);
        var processor = new RecommenderProcessor(releases, topics, metrics, clock, logger);
        if (options.IsJoint)
        {
            Log.StartedJoint(logger, options.TopK, options.Privacy.PopularityWeight);
        }
        else
        {
            Log.Started(logger, options.TopK, options.EpsilonSelection, options.PublishScores ? $", epsilon {options.EpsilonScores} for the scores" : ", no scores published",
                releases.Sensitivity, options.InterestRate, options.MaxEventWeight, options.BudgetCap, options.BudgetWindow);
        }

        return processor;
    }
}
