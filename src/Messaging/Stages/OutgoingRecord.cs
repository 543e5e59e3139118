using Confluent.Kafka;

namespace StreamRec.Messaging.Stages;

/// <summary>
/// A record a stage writes for one input record: to the next topic, or, with the reason set, to the
/// dead-letter topic. <see cref="StageLoop"/> counts it as forwarded or dead-lettered (by reason) when its
/// batch completes.
/// </summary>
public readonly record struct OutgoingRecord(string Topic, Message<byte[]?, byte[]?> Message, string? DeadLetterReason = null);
