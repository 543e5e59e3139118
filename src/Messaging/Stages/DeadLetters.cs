using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamRec.Contracts;

namespace StreamRec.Messaging.Stages;

/// <summary>
/// How a stage turns an input record it cannot use into a dead-letter record: the original record with
/// the reason headers (<see cref="DeadLetterHeaders"/>), logged by position, and marked with the reason
/// for <see cref="StageLoop"/> to count in <c>streamrec_events_dead_lettered_total{stage,reason}</c> when
/// its batch completes. The detail names the rule and the field, never a value, so it is safe in headers
/// and logs.
/// </summary>
public sealed partial class DeadLetters(string stage, TopicNames topics, TimeProvider clock, ILogger logger)
{
    public OutgoingRecord Reject(ConsumeResult<byte[]?, byte[]?> record, string reason, string detail)
    {
        ArgumentNullException.ThrowIfNull(record);
        LogDeadLettered(logger, stage, record.Topic, record.Partition.Value, record.Offset.Value, reason, detail);
        return new OutgoingRecord(topics.DeadLetter, DeadLetterHeaders.Wrap(record, stage, reason, detail, clock.GetUtcNow()), reason);
    }

    [LoggerMessage(EventId = 108, Level = LogLevel.Warning, Message = "Stage {Stage} dead-lettered the record at {Topic} [{Partition}] @{Offset}: {Reason} ({Detail})")]
    private static partial void LogDeadLettered(ILogger logger, string stage, string topic, int partition, long offset, string reason, string detail);
}
