using Confluent.Kafka;
using StreamRec.Messaging;

namespace StreamRec.IntegrationTests.Embedding;

/// <summary>
/// Byte-level produce and read-to-end for the embed stage's tests: its output values are binary and
/// its corrupt inputs are not valid UTF-8, which <c>KafkaTestClients</c>' string clients would alter.
/// </summary>
internal static class ByteRecords
{
    public static void ProduceAll(KafkaOptions options, string topic, IEnumerable<Message<byte[]?, byte[]?>> messages)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(KafkaClientConfigs.Producer(options)).Build();
        var failures = 0;
        foreach (var message in messages)
        {
            producer.Produce(topic, message, report =>
            {
                if (report.Error.IsError)
                {
                    Interlocked.Increment(ref failures);
                }
            });
        }

        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, failures);
    }

    /// <summary>Every record of the topic, partition by partition in offset order, read until each partition's end.</summary>
    public static List<ConsumeResult<byte[]?, byte[]?>> ReadToEnd(KafkaOptions options, string topic, TimeSpan timeout)
    {
        var config = KafkaClientConfigs.Consumer(options, $"reader-{Guid.NewGuid():N}");
        config.EnablePartitionEof = true;
        config.EnableAutoCommit = false;
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
        consumer.Subscribe(topic);
        var results = new List<ConsumeResult<byte[]?, byte[]?>>();
        var atEnd = new HashSet<int>();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null)
            {
                continue;
            }

            if (result.IsPartitionEOF)
            {
                atEnd.Add(result.Partition.Value);
                if (consumer.Assignment.Count > 0 && consumer.Assignment.All(tp => atEnd.Contains(tp.Partition.Value)))
                {
                    consumer.Close();
                    return [.. results.OrderBy(r => r.Partition.Value).ThenBy(r => r.Offset.Value)];
                }

                continue;
            }

            atEnd.Remove(result.Partition.Value);
            results.Add(result);
        }

        throw new TimeoutException($"Did not reach the end of {topic} within {timeout}; read {results.Count} records.");
    }
}
