using Confluent.Kafka;

namespace StreamRec.Messaging;

/// <summary>
/// Producer and consumer settings StreamRec uses everywhere, built from <see cref="KafkaOptions"/>:
/// tunable defaults first, then the operator's pass-through settings (which may override them), then the
/// few settings the workers' correctness rests on, which nothing overrides: idempotent producers, offsets
/// stored by the application only after a record is fully processed.
/// <para>
/// Assignment is eager (round-robin), not cooperative-sticky, for a measured reason: with Confluent.Kafka
/// 1.9.3 on librdkafka 2.0.2, when a cooperative member's partitions are LOST (it missed a rebalance
/// deadline), Confluent's rebalance callback calls the eager Unassign(), librdkafka rejects it ("Changes
/// to the current assignment must be made using incremental_assign() ... when rebalance protocol type is
/// COOPERATIVE") and the exception, thrown on the native callback, kills the process. Seen in
/// tests/StreamRec.IntegrationTests/Kafka/ConsumerGroupTests against the embedded broker.
/// </para>
/// </summary>
public static class KafkaClientConfigs
{
    public static ProducerConfig Producer(KafkaOptions options, string? transactionalId = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        KafkaNativeLibrary.EnsureLoaded();
        var config = new ProducerConfig
        {
            LingerMs = 5,
            CompressionType = CompressionType.Lz4,
        };
        Apply(config, options.Client, options.Producer);

        config.BootstrapServers = options.BootstrapServers;
        // Retries never duplicate or reorder a key's records.
        config.EnableIdempotence = true;
        config.Acks = Acks.All;
        if (transactionalId is not null)
        {
            config.TransactionalId = transactionalId;
        }

        return config;
    }

    public static ConsumerConfig Consumer(KafkaOptions options, string groupId, bool readCommitted = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(groupId);
        KafkaNativeLibrary.EnsureLoaded();
        var config = new ConsumerConfig
        {
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = true,
            AutoCommitIntervalMs = 1000,
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.RoundRobin,
            // Broker connection state and per-partition lag for /readyz and streamrec_consumer_lag.
            StatisticsIntervalMs = 5000,
        };
        Apply(config, options.Client, options.Consumer);

        config.BootstrapServers = options.BootstrapServers;
        config.GroupId = groupId;
        // The application stores an offset only once the record's effects are durable; librdkafka then
        // commits stored offsets in the background. Nothing is skipped after a crash.
        config.EnableAutoOffsetStore = false;
        config.IsolationLevel = readCommitted ? IsolationLevel.ReadCommitted : IsolationLevel.ReadUncommitted;
        return config;
    }

    private static void Apply(ClientConfig config, Dictionary<string, string> shared, Dictionary<string, string> specific)
    {
        foreach (var (key, value) in shared.Concat(specific))
        {
            config.Set(key, value);
        }
    }
}
