using Confluent.Kafka;
using StreamRec.IntegrationTests.Kafka;
using StreamRec.Messaging;

namespace StreamRec.IntegrationTests.Embedding;

/// <summary>
/// Byte-level produce and read-to-end for the stages' tests: their output values are binary and their
/// corrupt inputs are not valid UTF-8, which string clients would alter.
/// </summary>
internal static class ByteRecords
{
    public static void ProduceAll(KafkaOptions options, string topic, IEnumerable<Message<byte[]?, byte[]?>> messages) =>
        KafkaTestClients.ProduceAll(options, topic, messages);

    public static List<ConsumeResult<byte[]?, byte[]?>> ReadToEnd(KafkaOptions options, string topic, TimeSpan timeout) =>
        KafkaTestClients.ReadToEnd<byte[]?, byte[]?>(options, topic, readCommitted: false, timeout);
}
