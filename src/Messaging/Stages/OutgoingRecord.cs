using Confluent.Kafka;

namespace StreamRec.Messaging.Stages;

/// <summary>A record a stage writes for one input record (to the next topic or to the dead-letter topic).</summary>
public readonly record struct OutgoingRecord(string Topic, Message<byte[]?, byte[]?> Message);
