using Confluent.Kafka;
using StreamRec.Messaging;

namespace StreamRec.UnitTests.Messaging;

public sealed class KafkaClientConfigsTests
{
    private static readonly KafkaOptions Options = new()
    {
        BootstrapServers = "kafka-0:9092,kafka-1:9092",
        Client = new Dictionary<string, string>
        {
            ["security.protocol"] = "SASL_SSL",
            ["sasl.mechanism"] = "SCRAM-SHA-512",
            ["client.id"] = "streamrec-test",
        },
        Producer = { ["linger.ms"] = "20" },
        Consumer = { ["session.timeout.ms"] = "6000", ["client.id"] = "streamrec-consumer" },
    };

    [Fact]
    public void Consumer_stores_offsets_only_when_the_application_says_so()
    {
        var config = KafkaClientConfigs.Consumer(Options, "drift");

        Assert.Equal("drift", config.GroupId);
        Assert.Equal("kafka-0:9092,kafka-1:9092", config.BootstrapServers);
        Assert.False(config.EnableAutoOffsetStore);
        Assert.True(config.EnableAutoCommit);
        Assert.Equal(AutoOffsetReset.Earliest, config.AutoOffsetReset);
        Assert.Equal(PartitionAssignmentStrategy.CooperativeSticky, config.PartitionAssignmentStrategy);
        Assert.Equal(IsolationLevel.ReadUncommitted, config.IsolationLevel);
    }

    [Fact]
    public void Consumer_fetches_again_soon_after_its_prefetch_queue_drains_unless_the_operator_says_otherwise()
    {
        Assert.Equal(10, KafkaClientConfigs.Consumer(Options, "g").FetchQueueBackoffMs);

        var tuned = KafkaClientConfigs.Consumer(new KafkaOptions { BootstrapServers = "b:9092", Consumer = { ["fetch.queue.backoff.ms"] = "1000" } }, "g");
        Assert.Equal(1000, tuned.FetchQueueBackoffMs);
        // librdkafka accepts the default (a name it did not know would fail here).
        using var consumer = new ConsumerBuilder<byte[], byte[]>(KafkaClientConfigs.Consumer(new KafkaOptions { BootstrapServers = "b:9092" }, "g")).Build();
    }

    [Fact]
    public void Pass_through_settings_cannot_switch_off_what_correctness_rests_on()
    {
        var options = new KafkaOptions
        {
            BootstrapServers = "b:9092",
            Client = { ["enable.idempotence"] = "false", ["acks"] = "1" },
            Consumer = { ["enable.auto.offset.store"] = "true", ["group.id"] = "other" },
        };

        var producer = KafkaClientConfigs.Producer(options);
        var consumer = KafkaClientConfigs.Consumer(options, "drift");

        Assert.True(producer.EnableIdempotence);
        Assert.Equal(Acks.All, producer.Acks);
        Assert.False(consumer.EnableAutoOffsetStore);
        Assert.Equal("drift", consumer.GroupId);
    }

    [Fact]
    public void An_operator_chosen_assignment_strategy_or_the_consumer_protocol_replaces_the_cooperative_default()
    {
        var eager = KafkaClientConfigs.Consumer(new KafkaOptions { BootstrapServers = "b:9092", Consumer = { ["partition.assignment.strategy"] = "roundrobin" } }, "g");
        Assert.Equal(PartitionAssignmentStrategy.RoundRobin, eager.PartitionAssignmentStrategy);

        // KIP-848: the broker assigns, and librdkafka refuses a client-side assignor beside it.
        var kip848 = KafkaClientConfigs.Consumer(new KafkaOptions { BootstrapServers = "b:9092", Consumer = { ["group.protocol"] = "consumer" } }, "g");
        Assert.Equal(GroupProtocol.Consumer, kip848.GroupProtocol);
        Assert.Null(kip848.PartitionAssignmentStrategy);
        using var consumer = new ConsumerBuilder<byte[], byte[]>(kip848).Build();
    }

    [Fact]
    public void Producer_is_idempotent_and_never_transactional()
    {
        var plain = KafkaClientConfigs.Producer(Options);
        Assert.True(plain.EnableIdempotence);
        Assert.Equal(Acks.All, plain.Acks);
        Assert.Null(plain.TransactionalId);
    }

    [Fact]
    public void Client_settings_pass_through_to_producers_and_consumers()
    {
        foreach (var config in new ClientConfig[] { KafkaClientConfigs.Producer(Options), KafkaClientConfigs.Consumer(Options, "g") })
        {
            Assert.Equal("SASL_SSL", config.Get("security.protocol"));
            Assert.Equal("SCRAM-SHA-512", config.Get("sasl.mechanism"));
        }
    }

    [Fact]
    public void Producer_and_consumer_settings_reach_only_their_own_clients_and_override_shared_ones()
    {
        var producer = KafkaClientConfigs.Producer(Options);
        var consumer = KafkaClientConfigs.Consumer(Options, "g");

        Assert.Equal("20", producer.Get("linger.ms"));
        Assert.Null(producer.Get("session.timeout.ms"));
        Assert.Equal("streamrec-test", producer.Get("client.id"));
        Assert.Equal("6000", consumer.Get("session.timeout.ms"));
        Assert.Null(consumer.Get("linger.ms"));
        Assert.Equal("streamrec-consumer", consumer.Get("client.id"));
    }

    [Theory]
    [InlineData(ErrorCode.RebalanceInProgress, true)]
    [InlineData(ErrorCode.IllegalGeneration, true)]
    [InlineData(ErrorCode.UnknownMemberId, true)]
    [InlineData(ErrorCode.Local_State, true)]
    [InlineData(ErrorCode.Local_Transport, false)]
    [InlineData(ErrorCode.TopicAuthorizationFailed, false)]
    public void Only_rebalance_races_are_tolerated_on_commit(ErrorCode code, bool tolerated)
    {
        Assert.Equal(tolerated, ConsumerCommits.IsRebalanceRace(code));
    }
}
