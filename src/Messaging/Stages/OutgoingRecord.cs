using Confluent.Kafka;

namespace StreamRec.Messaging.Stages;

/// <summary>
/// A record a stage writes for one input record: to the next topic, or, with the reason set, to the
/// dead-letter topic. <see cref="StageLoop"/> counts it as forwarded or dead-lettered (by reason) when its
/// batch completes.
/// </summary>
public readonly record struct OutgoingRecord(string Topic, Message<byte[]?, byte[]?> Message, string? DeadLetterReason = null)
{
    /// <summary>
    /// The typed record that <see cref="Message"/>'s value encodes (a clean or embedded event), when the
    /// stage has it. A fused chain hands it to the next stage (<see cref="HandedOnRecord"/>), which then
    /// need not parse what this stage has just encoded; when the chain writes the topic nowhere, the
    /// message may carry no key and value at all (<see cref="IBatchProcessor.HandOnPayloads"/>).
    /// <see cref="StageLoop"/> ignores it: what is written is always <see cref="Message"/>.
    /// </summary>
    public object? Payload { get; init; }
}
