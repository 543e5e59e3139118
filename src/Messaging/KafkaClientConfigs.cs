using Confluent.Kafka;

namespace StreamRec.Messaging;

/// <summary>
/// Producer and consumer settings StreamRec uses everywhere, built from <see cref="KafkaOptions"/>.
/// Defaults follow Confluent's guidance for at-least-once workers: idempotent producers, offsets stored
/// by the application only after a record is fully processed.
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
        var config = new ProducerConfig(PassThrough(options))
        {
            BootstrapServers = options.BootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
            CompressionType = CompressionType.Lz4,
        };
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
        return new ConsumerConfig(PassThrough(options))
        {
            BootstrapServers = options.BootstrapServers,
            GroupId = groupId,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            // The application stores an offset only once the record's effects are durable; librdkafka
            // then commits stored offsets in the background. Nothing is skipped after a crash.
            EnableAutoOffsetStore = false,
            EnableAutoCommit = true,
            AutoCommitIntervalMs = 1000,
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.RoundRobin,
            IsolationLevel = readCommitted ? IsolationLevel.ReadCommitted : IsolationLevel.ReadUncommitted,
        };
    }

    private static Dictionary<string, string> PassThrough(KafkaOptions options) =>
        new(options.Client, StringComparer.Ordinal);
}
