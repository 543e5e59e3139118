using Confluent.Kafka;

namespace StreamRec.Messaging.Stages;

/// <summary>
/// A record one stage of a fused chain hands to the next in process (<see cref="FusedProcessor"/>): at
/// the position of the input it answers, with the producing stage's typed record
/// (<see cref="OutgoingRecord.Payload"/>) beside its message. A stage that reads payloads
/// (<see cref="IBatchProcessor.ReadsPayloads"/>) takes the payload instead of parsing the value, which
/// the chain leaves out when it writes the topic nowhere; every other reader sees an ordinary record.
/// </summary>
public sealed class HandedOnRecord : ConsumeResult<byte[]?, byte[]?>
{
    /// <summary>The typed record the message's value encodes, or null when the stage handed on only bytes.</summary>
    public object? Payload { get; init; }

    /// <summary>
    /// This record as a stage reading the topic would have consumed it, with the given key and value: for
    /// a payload-only record that must be dead-lettered, whose dead letter carries the encoded record as
    /// it would in a split deployment.
    /// </summary>
    public ConsumeResult<byte[]?, byte[]?> WithValue(byte[]? key, byte[]? value) => new()
    {
        Topic = Topic,
        Partition = Partition,
        Offset = Offset,
        Message = new Message<byte[]?, byte[]?> { Key = key, Value = value, Headers = Message.Headers, Timestamp = Message.Timestamp },
    };
}
