using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamRec.Messaging;
using StreamRec.Messaging.Stages;
using StreamRec.Storage;

namespace StreamRec.Recommender.Stage;

/// <summary>
/// Hosts the fixed-schedule mode (<c>Recommender:Trigger = schedule</c>; otherwise it does nothing and
/// <see cref="RecommenderWorker"/> answers mutations): releases the current slot at start (which is free
/// for what was released before a restart), then each slot as it begins (<see cref="ScheduledReleaser"/>),
/// publishing every release of a slot together, stamped with the slot's start, and waiting for the
/// broker's acknowledgements before the next slot.
/// </summary>
public sealed class ScheduledRecommenderWorker(
    IOptions<KafkaOptions> kafka,
    IOptions<RecommenderOptions> recommender,
    RedisConnection redis,
    StreamRecMetrics metrics,
    RecommenderMetrics recommenderMetrics,
    TimeProvider clock,
    ILogger<ScheduledRecommenderWorker> logger) : StageWorker(RecommenderProcessor.Stage, metrics, logger)
{
    private static readonly KeyValuePair<string, object?> TriggerTag = new("trigger", ScheduledReleaser.ScheduleTrigger);

    protected override string? TransientReason(Exception failure) => RedisFailures.TransientReason(failure) ?? base.TransientReason(failure);

    protected override IReadOnlyList<string> RestartReasons => [RedisFailures.Reason, KafkaFailures.Reason];

    protected override async Task RunStageAsync(CancellationToken stoppingToken)
    {
        var options = recommender.Value;
        if (options.Trigger != RecommenderOptions.ScheduleTrigger)
        {
            return;
        }

        var connection = await redis.GetAsync(stoppingToken).ConfigureAwait(false);
        var database = connection.GetDatabase();
        var releases = ReleaseMaker.ForRedis(options, database, clock, logger, recommenderMetrics);
        recommenderMetrics.Start(TriggerTag, releases.Mode);
        var schedule = new ScheduledReleaser(releases, database, options.ScheduleInterval, clock);
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(KafkaClientConfigs.Producer(kafka.Value)).Build();
        var slot = schedule.CurrentSlot;
        while (!stoppingToken.IsCancellationRequested)
        {
            // Every release of the slot is computed first and published together, stamped with the slot's
            // start: neither a record nor its publication time shows how long one user's draw took.
            var made = await schedule.ReleaseSlotAsync(slot, stoppingToken).ConfigureAwait(false);
            var stamp = new Timestamp(schedule.SlotStart(slot).UtcDateTime, TimestampType.CreateTime);
            var deliveries = made.Select(m => producer.ProduceAsync(kafka.Value.Topics.Recommendations,
                new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes(m.User), Value = m.Record, Timestamp = stamp }, stoppingToken)).ToList();
            await Task.WhenAll(deliveries).ConfigureAwait(false);
            recommenderMetrics.Published.Add(made.Count, TriggerTag, RecommenderMetrics.ModeTag(releases.Mode));

            Log.SlotReleased(logger, slot, made.Count, made.Count(m => m.Status == ReleaseStatus.Republished));
            slot++;
            var wait = schedule.SlotStart(slot) - clock.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, clock, stoppingToken).ConfigureAwait(false);
            }
        }
    }
}
