using Confluent.Kafka;
using StreamRec.Messaging;

namespace StreamRec.IntegrationTests.Kafka;

/// <summary>Small producer/consumer helpers shared by the Kafka tests.</summary>
internal static class KafkaTestClients
{
    public static void ProduceAll(KafkaOptions options, string topic, IEnumerable<(string Key, string Value)> records)
    {
        using var producer = new ProducerBuilder<string, string>(KafkaClientConfigs.Producer(options)).Build();
        var failures = 0;
        foreach (var (key, value) in records)
        {
            producer.Produce(topic, new Message<string, string> { Key = key, Value = value }, report =>
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

    /// <summary>Reads a topic from the beginning until every partition reports end-of-partition.</summary>
    public static List<ConsumeResult<string, string>> ReadToEnd(
        KafkaOptions options, string topic, bool readCommitted, TimeSpan timeout)
    {
        var config = KafkaClientConfigs.Consumer(options, $"reader-{Guid.NewGuid():N}", readCommitted);
        config.EnablePartitionEof = true;
        config.EnableAutoCommit = false;
        using var consumer = new ConsumerBuilder<string, string>(config).Build();
        consumer.Subscribe(topic);
        var results = new List<ConsumeResult<string, string>>();
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
                    return results;
                }

                continue;
            }

            atEnd.Remove(result.Partition.Value);
            results.Add(result);
        }

        throw new TimeoutException($"Did not reach the end of {topic} within {timeout}; read {results.Count} records.");
    }
}
