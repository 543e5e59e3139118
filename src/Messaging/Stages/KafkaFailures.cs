using Confluent.Kafka;

namespace StreamRec.Messaging.Stages;

/// <summary>
/// Which Kafka failures of a stage are transient: the broker or the cluster was unreachable or busy
/// for longer than librdkafka's own retries cover (a delivery that timed out, a leader or coordinator
/// that was not available, a commit in a rebalance the stage did not expect). The stage is then started
/// again in the same process (<see cref="StageWorker"/>) from the committed offsets. Everything else,
/// above all a fatal error (<see cref="Error.IsFatal"/>: e.g. the idempotent producer's sequence is
/// broken) and authentication, authorisation or configuration errors, is not: it stops the process.
/// </summary>
public static class KafkaFailures
{
    /// <summary>The <c>reason</c> label of <c>streamrec_stage_restarts_total</c> for these failures.</summary>
    public const string Reason = "kafka";

    /// <summary><see cref="Reason"/> when <paramref name="failure"/> (or an exception inside it) is a transient Kafka error; otherwise null.</summary>
    public static string? TransientReason(Exception failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            if (e is KafkaException kafka)
            {
                return !kafka.Error.IsFatal && IsTransient(kafka.Error.Code) ? Reason : null;
            }
        }

        return null;
    }

    /// <summary>Errors that say "not now" rather than "never": the same request can succeed later.</summary>
    public static bool IsTransient(ErrorCode code) => code is
        ErrorCode.Local_MsgTimedOut or
        ErrorCode.Local_TimedOut or
        ErrorCode.Local_Transport or
        ErrorCode.Local_AllBrokersDown or
        ErrorCode.Local_WaitCoord or
        ErrorCode.Local_Retry or
        ErrorCode.RequestTimedOut or
        ErrorCode.NetworkException or
        ErrorCode.LeaderNotAvailable or
        ErrorCode.NotLeaderForPartition or
        ErrorCode.NotEnoughReplicas or
        ErrorCode.NotEnoughReplicasAfterAppend or
        ErrorCode.GroupLoadInProgress or
        ErrorCode.GroupCoordinatorNotAvailable or
        ErrorCode.NotCoordinatorForGroup or
        ErrorCode.RebalanceInProgress or
        ErrorCode.IllegalGeneration or
        ErrorCode.UnknownMemberId or
        ErrorCode.KafkaStorageError or
        ErrorCode.BrokerNotAvailable or
        ErrorCode.FencedLeaderEpoch or
        ErrorCode.UnknownLeaderEpoch or
        ErrorCode.OffsetNotAvailable;
}
