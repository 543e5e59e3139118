using Confluent.Kafka;

namespace StreamRec.Messaging;

/// <summary>
/// Explicit commits that survive a consumer-group rebalance. While the group rebalances the broker
/// rejects commits (REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION, ...); that is not a failure of the
/// worker: the offsets stay stored and are committed after the rebalance, or by the next owner from
/// its own position, at worst replaying records (at-least-once), never skipping them.
/// </summary>
public static class ConsumerCommits
{
    /// <summary>
    /// Commits the stored offsets; returns true when they are committed (or nothing was stored since the
    /// last commit), false when the group was rebalancing.
    /// </summary>
    public static bool TryCommit<TKey, TValue>(this IConsumer<TKey, TValue> consumer)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        try
        {
            consumer.Commit();
            return true;
        }
        catch (KafkaException e) when (e.Error.Code == ErrorCode.Local_NoOffset)
        {
            return true;
        }
        catch (KafkaException e) when (IsRebalanceRace(e.Error.Code))
        {
            return false;
        }
    }

    /// <summary>Commits the given offsets; returns false when the group was rebalancing.</summary>
    public static bool TryCommit<TKey, TValue>(
        this IConsumer<TKey, TValue> consumer, IEnumerable<TopicPartitionOffset> offsets)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        try
        {
            consumer.Commit(offsets);
            return true;
        }
        catch (KafkaException e) when (IsRebalanceRace(e.Error.Code))
        {
            return false;
        }
    }

    /// <summary>Errors a commit can meet while partitions move between members of the group.</summary>
    public static bool IsRebalanceRace(ErrorCode code) => code is
        ErrorCode.RebalanceInProgress or
        ErrorCode.IllegalGeneration or
        ErrorCode.UnknownMemberId or
        ErrorCode.Local_State;
}
