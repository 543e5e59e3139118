using Confluent.Kafka;

namespace StreamRec.Messaging;

/// <summary>
/// Producer and consumer settings StreamRec uses everywhere, built from <see cref="KafkaOptions"/>:
/// tunable defaults first, then the operator's pass-through settings (which may override them), then the
/// few settings the workers' correctness rests on, which nothing overrides: idempotent producers, offsets
/// stored by the application only after a record is fully processed.
/// <para>
/// Assignment is cooperative-sticky by default: a member joining or leaving moves only the partitions
/// that change owner, and the others keep streaming through the rebalance (the measurement behind this
/// choice is in docs/operations.md, "Consumer group rebalancing"). Eager strategies (range, roundrobin)
/// and KIP-848's consumer protocol (<c>group.protocol=consumer</c>, whose assignor is chosen by the
/// broker) may be set through <see cref="KafkaOptions.Consumer"/>; the stage loop honours all three.
/// </para>
/// </summary>
public static class KafkaClientConfigs
{
    public static ProducerConfig Producer(KafkaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
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
        return config;
    }

    public static ConsumerConfig Consumer(KafkaOptions options, string groupId)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(groupId);
        var config = new ConsumerConfig
        {
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = true,
            AutoCommitIntervalMs = 1000,
            // Broker connection state and per-partition lag for /readyz and streamrec_consumer_lag.
            StatisticsIntervalMs = 5000,
            // Once the prefetched queue (shared by all of a consumer's partitions) holds queued.min.messages
            // (100,000) or queued.max.messages.kbytes, librdkafka stops fetching every partition for this long
            // (its default: 1000 ms). A stage that drains 100,000 records in less than that then sits idle
            // until the backoff ends: a bare consumer of 200,000 records read 149-169k records/s at the default
            // and 419-493k with 10 ms in the same run (docs/benchmarks.md, "Fused and split"). The queue
            // bounds still cap the memory; 10 ms only lets the fetcher look again sooner.
            FetchQueueBackoffMs = 10,
        };
        Apply(config, options.Client, options.Consumer);
        // The consumer protocol refuses a client-side assignor (the broker assigns), so the default
        // applies to the classic protocol only.
        if (config.GroupProtocol != GroupProtocol.Consumer && config.PartitionAssignmentStrategy is null)
        {
            config.PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky;
        }

        config.BootstrapServers = options.BootstrapServers;
        config.GroupId = groupId;
        // The application stores an offset only once the record's effects are durable; librdkafka then
        // commits stored offsets in the background. Nothing is skipped after a crash.
        config.EnableAutoOffsetStore = false;
        // StreamRec writes no transactions (exactly-once effects come from offset-keyed state updates and
        // id-based deduplication), so there are no aborted records to hide and no reason to wait for the
        // last stable offset.
        config.IsolationLevel = IsolationLevel.ReadUncommitted;
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
