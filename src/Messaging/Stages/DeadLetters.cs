using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamRec.Contracts;

namespace StreamRec.Messaging.Stages;

/// <summary>
/// How a stage turns an input record it cannot use into a dead-letter record: the original record with
/// the reason headers (<see cref="DeadLetterHeaders"/>), counted in
/// <c>streamrec_events_dead_lettered_total{stage,reason}</c> and logged by position. The detail names the
/// rule and the field, never a value, so it is safe in headers and logs.
/// </summary>
public sealed partial class DeadLetters(string stage, TopicNames topics, TimeProvider clock, ILogger logger)
{
    private readonly KeyValuePair<string, object?> _stageTag = new("stage", stage);

    /// <summary>
    /// Exports the counter of <paramref name="reason"/> at zero, so that its series exists before the
    /// first rejection: a dashboard then shows 0 rather than no data, and rate() over it sees the first
    /// rejection (it cannot see the first sample of a series).
    /// </summary>
    public void Expect(string reason) =>
        StreamRecMetrics.EventsDeadLettered.Add(0, _stageTag, new KeyValuePair<string, object?>("reason", reason));

    public OutgoingRecord Reject(ConsumeResult<byte[]?, byte[]?> record, string reason, string detail)
    {
        ArgumentNullException.ThrowIfNull(record);
        StreamRecMetrics.EventsDeadLettered.Add(1, _stageTag, new KeyValuePair<string, object?>("reason", reason));
        LogDeadLettered(logger, stage, record.Topic, record.Partition.Value, record.Offset.Value, reason, detail);
        return new OutgoingRecord(topics.DeadLetter, DeadLetterHeaders.Wrap(record, stage, reason, detail, clock.GetUtcNow()));
    }

    [LoggerMessage(EventId = 108, Level = LogLevel.Warning, Message = "Stage {Stage} dead-lettered the record at {Topic} [{Partition}] @{Offset}: {Reason} ({Detail})")]
    private static partial void LogDeadLettered(ILogger logger, string stage, string topic, int partition, long offset, string reason, string detail);
}
