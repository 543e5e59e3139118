using Confluent.Kafka;
using StreamRec.Messaging;

namespace StreamRec.IntegrationTests.Kafka;

/// <summary>Producer and read-to-end helpers shared by the tests that talk to the embedded broker.</summary>
internal static class KafkaTestClients
{
    public static void ProduceAll(KafkaOptions options, string topic, IEnumerable<(string Key, string Value)> records) =>
        ProduceAll(options, topic, records.Select(r => new Message<string, string> { Key = r.Key, Value = r.Value }));

    /// <summary>Produces every message and asserts the broker acknowledged all of them.</summary>
    public static void ProduceAll<TKey, TValue>(KafkaOptions options, string topic, IEnumerable<Message<TKey, TValue>> messages)
    {
        using var producer = new ProducerBuilder<TKey, TValue>(KafkaClientConfigs.Producer(options)).Build();
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

    public static List<ConsumeResult<string, string>> ReadToEnd(KafkaOptions options, string topic, bool readCommitted, TimeSpan timeout) =>
        ReadToEnd<string, string>(options, topic, readCommitted, timeout);

    /// <summary>
    /// Every record of the topic, partition by partition in offset order, read from the beginning until
    /// every partition reports its end.
    /// </summary>
    public static List<ConsumeResult<TKey, TValue>> ReadToEnd<TKey, TValue>(
        KafkaOptions options, string topic, bool readCommitted, TimeSpan timeout)
    {
        var config = KafkaClientConfigs.Consumer(options, $"reader-{Guid.NewGuid():N}");
        // Only the transaction tests read committed: StreamRec's own consumers never do (it writes no transactions).
        config.IsolationLevel = readCommitted ? IsolationLevel.ReadCommitted : IsolationLevel.ReadUncommitted;
        config.EnablePartitionEof = true;
        config.EnableAutoCommit = false;
        using var consumer = new ConsumerBuilder<TKey, TValue>(config).Build();
        consumer.Subscribe(topic);
        var results = new List<ConsumeResult<TKey, TValue>>();
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
