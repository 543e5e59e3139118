using Confluent.Kafka;

namespace StreamRec.Messaging.Stages;

/// <summary>
/// The work of one pipeline stage on a micro-batch of input records. <see cref="StageLoop"/> consumes
/// the batch, calls this, delivers every returned record, and only then stores the input offsets: a
/// record's effects are durable before it counts as consumed (at-least-once).
/// </summary>
public interface IBatchProcessor
{
    /// <summary>The stage's name, used as the metric label and in logs (e.g. "ingest").</summary>
    string StageName { get; }

    /// <summary>
    /// Every dead-letter reason the stage can give (a closed set of codes). <see cref="StageLoop"/> exports
    /// each one's counter at zero when it starts, so that the series exists before the first rejection: a
    /// dashboard then shows 0 rather than no data, and rate() sees the first rejection.
    /// </summary>
    IReadOnlyCollection<string> DeadLetterReasons => [];

    /// <summary>
    /// Whether output i always answers input i: every input record becomes exactly one output, in input
    /// order (Ingest and the Embedder). A fused chain (<see cref="FusedProcessor"/>) then hands each
    /// output on at its input's position, which a stateful stage further on keys its replay check by.
    /// </summary>
    bool OutputsMatchInputs => false;

    /// <summary>
    /// Whether the processor counts its records itself (<see cref="FusedProcessor"/> counts each stage of
    /// its chain under that stage's name); otherwise <see cref="StageLoop"/> counts them under <see cref="StageName"/>.
    /// </summary>
    bool CountsOwnEvents => false;

    /// <summary>
    /// Whether the stage takes a <see cref="HandedOnRecord"/>'s payload, when it has one, instead of
    /// parsing the record's value. A fused chain leaves a topic's values out
    /// (<see cref="HandOnPayloads"/>) only when every stage of the chain reading it does.
    /// </summary>
    bool ReadsPayloads => false;

    /// <summary>
    /// Told by a fused chain, once before the first batch, for each topic whose records it hands on to
    /// stages that read payloads: this stage's outputs to <paramref name="topic"/> (if it writes any)
    /// should carry their typed record in <see cref="OutgoingRecord.Payload"/>, and when
    /// <paramref name="written"/> is false the chain writes them nowhere, so their messages need only
    /// the record timestamp, without the encoded key and value. A stage that does neither ignores it.
    /// </summary>
    void HandOnPayloads(string topic, bool written)
    {
    }

    /// <summary>
    /// Processes a batch (records of several partitions, in partition order) and returns the records to
    /// publish. A bad input record must become a dead-letter record, not an exception: an exception here
    /// stops the stage (nothing of the batch is committed, so it is processed again after a restart).
    /// </summary>
    ValueTask<IReadOnlyList<OutgoingRecord>> ProcessAsync(IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> batch, CancellationToken cancellationToken);
}
