using Confluent.Kafka;

namespace StreamRec.Messaging.Stages;

/// <summary>
/// A stage that keeps state outside Kafka (the DriftDetector's per-user state in Redis) and must make it
/// durable in a precise order: first the batch's output records are acknowledged by the broker, then the
/// state is written (<see cref="CompleteBatchAsync"/>), then the input offsets are stored. So:
/// <list type="bullet">
/// <item>a crash before the state write replays the batch from the old state and publishes the same
/// outputs again (their ids are deterministic, so readers deduplicate);</item>
/// <item>a crash between the state write and the offset commit replays records the state already holds,
/// which the stage recognises by offset and skips: their outputs were delivered before the write.</item>
/// </list>
/// <see cref="StageLoop"/> calls <see cref="CompleteBatchAsync"/> exactly once per processed batch, in the
/// order the batches were processed, unless the partitions are lost first (then
/// <see cref="PartitionsLost"/> says that every batch not yet completed is abandoned).
/// </summary>
public interface IStatefulBatchProcessor : IBatchProcessor
{
    /// <summary>
    /// Makes the state of the oldest processed, not yet completed batch durable. Its outputs, and those of
    /// every earlier batch, are acknowledged. An exception stops the stage before its offsets are stored.
    /// </summary>
    Task CompleteBatchAsync();

    /// <summary>
    /// The partitions are handed to another member after every processed batch was completed and
    /// committed: forget what is cached for them (the next owner is now the only writer of their users).
    /// </summary>
    void PartitionsRevoked(IReadOnlyCollection<TopicPartition> partitions);

    /// <summary>
    /// The partitions already belong to another member: abandon every batch not yet completed (its state
    /// must not be written: the new owner replays it) and forget what is cached for them.
    /// </summary>
    void PartitionsLost(IReadOnlyCollection<TopicPartition> partitions);
}
