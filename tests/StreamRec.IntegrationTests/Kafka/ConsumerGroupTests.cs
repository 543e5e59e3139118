using System.Collections.Concurrent;
using Confluent.Kafka;
using StreamRec.IntegrationTests.Infrastructure;
using StreamRec.Messaging;

namespace StreamRec.IntegrationTests.Kafka;

[Collection(KafkaCollection.Name)]
public sealed class ConsumerGroupTests(KafkaFixture kafka)
{
    [Fact]
    public void Keyed_records_are_all_consumed_by_a_group_in_per_key_order()
    {
        const int records = 10_000;
        const int keys = 97;
        var topic = UniqueNames.Next("keyed");
        kafka.CreateTopic(topic, partitions: 6);
        KafkaTestClients.ProduceAll(kafka.Options, topic,
            Enumerable.Range(0, records).Select(i => ($"user-{i % keys}", $"{i / keys}")));

        var config = KafkaClientConfigs.Consumer(kafka.Options, UniqueNames.Next("group"));
        using var consumer = new ConsumerBuilder<string, string>(config).Build();
        consumer.Subscribe(topic);
        var lastSequence = new Dictionary<string, int>();
        var partitionsSeen = new HashSet<int>();
        var consumed = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (consumed < records && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null)
            {
                continue;
            }

            var sequence = int.Parse(result.Message.Value, System.Globalization.CultureInfo.InvariantCulture);
            var previous = lastSequence.GetValueOrDefault(result.Message.Key, -1);
            Assert.True(sequence == previous + 1,
                $"key {result.Message.Key}: sequence {sequence} arrived after {previous} (partition {result.Partition.Value}, offset {result.Offset.Value})");
            lastSequence[result.Message.Key] = sequence;
            partitionsSeen.Add(result.Partition.Value);
            consumer.StoreOffset(result);
            consumed++;
        }

        consumer.Close();
        Assert.Equal(records, consumed);
        Assert.Equal(keys, lastSequence.Count);
        Assert.True(partitionsSeen.Count >= 4, $"records reached only {partitionsSeen.Count} partitions");
    }

    [Fact]
    public async Task Second_consumer_joining_mid_stream_loses_no_record_and_survives_commits_during_rebalance()
    {
        const int records = 20_000;
        const int partitions = 8;
        var topic = UniqueNames.Next("rebalance");
        var group = UniqueNames.Next("group");
        kafka.CreateTopic(topic, partitions);

        var seen = new ConcurrentDictionary<string, int>();
        using var stop = new CancellationTokenSource();
        var first = new GroupMember(kafka.Options, topic, group, seen);
        var second = new GroupMember(kafka.Options, topic, group, seen);
        var firstLoop = Task.Run(() => first.Run(stop.Token));
        var secondLoop = Task.CompletedTask;

        // First half of the stream: the first member alone; the second joins once it is well into it.
        KafkaTestClients.ProduceAll(kafka.Options, topic, Records(0, records / 2));
        await Eventually.TrueAsync(() => Healthy(firstLoop) && first.Consumed >= 2_000, TimeSpan.FromSeconds(60), "first member consumed 2,000 records");
        secondLoop = Task.Run(() => second.Run(stop.Token));

        // Second half only once the rebalance has handed partitions to the second member.
        await Eventually.TrueAsync(() => Healthy(firstLoop, secondLoop) && second.AssignedPartitions > 0, TimeSpan.FromSeconds(60),
            "the second member is assigned partitions");
        KafkaTestClients.ProduceAll(kafka.Options, topic, Records(records / 2, records));

        await Eventually.TrueAsync(() => Healthy(firstLoop, secondLoop) && seen.Count == records, TimeSpan.FromSeconds(90),
            () => $"all {records} distinct records consumed by the group (seen {seen.Count})");
        await Eventually.TrueAsync(() => Healthy(firstLoop, secondLoop) && first.Idle && second.Idle, TimeSpan.FromSeconds(60),
            "both members idle with their offsets committed");
        await stop.CancelAsync();
        await Task.WhenAll(firstLoop, secondLoop); // rethrows anything a member's loop did not handle

        Assert.True(first.RevokedPartitions > 0, "the first member never gave partitions away (no rebalance)");
        Assert.True(second.Consumed > 0, "the second member consumed nothing");
        // The revoked handler commits while the group rebalances; the broker rejects it
        // (REBALANCE_IN_PROGRESS) and TryCommit reports it instead of throwing.
        Assert.True(first.RejectedCommits + second.RejectedCommits > 0, "no commit met the rebalance: the test did not exercise it");

        // Nothing lost in the commits either: the group's committed offsets reach the end of every partition.
        using var probe = new ConsumerBuilder<string, string>(KafkaClientConfigs.Consumer(kafka.Options, group)).Build();
        var committed = probe.Committed(
            Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p)), TimeSpan.FromSeconds(10));
        foreach (var offset in committed)
        {
            var end = probe.QueryWatermarkOffsets(offset.TopicPartition, TimeSpan.FromSeconds(10)).High;
            Assert.Equal(end.Value, offset.Offset.Value);
        }
    }

    private static IEnumerable<(string Key, string Value)> Records(int from, int to) =>
        Enumerable.Range(from, to - from).Select(i => ($"k{i % 500}", $"{i}"));

    /// <summary>Surfaces a member loop's failure at once instead of as a timeout.</summary>
    private static bool Healthy(params Task[] loops)
    {
        foreach (var loop in loops.Where(l => l.IsFaulted))
        {
            loop.GetAwaiter().GetResult();
        }

        return true;
    }

    /// <summary>A group member that stores each offset after "processing" and commits explicitly and often.</summary>
    private sealed class GroupMember(KafkaOptions options, string topic, string group, ConcurrentDictionary<string, int> seen)
    {
        private int _consumed;
        private int _assigned;
        private int _revoked;
        private int _rejectedCommits;
        private volatile bool _idle;

        public int Consumed => Volatile.Read(ref _consumed);

        public int AssignedPartitions => Volatile.Read(ref _assigned);

        public int RevokedPartitions => Volatile.Read(ref _revoked);

        /// <summary>Commits the broker refused because the group was rebalancing.</summary>
        public int RejectedCommits => Volatile.Read(ref _rejectedCommits);

        /// <summary>True once a poll returned nothing and everything stored was committed.</summary>
        public bool Idle => _idle;

        public void Run(CancellationToken stop)
        {
            var config = KafkaClientConfigs.Consumer(options, group);
            using var consumer = new ConsumerBuilder<string, string>(config)
                .SetPartitionsAssignedHandler((_, assigned) => Interlocked.Add(ref _assigned, assigned.Count))
                .SetPartitionsRevokedHandler((c, revoked) =>
                {
                    Interlocked.Add(ref _revoked, revoked.Count);
                    // Commit the positions of the partitions being taken away, explicitly so the request
                    // reaches the broker. The group is rebalancing at this moment, and the embedded
                    // broker refuses commits then (REBALANCE_IN_PROGRESS): TryCommit must absorb it.
                    var positions = revoked.Where(p => p.Offset.Value >= 0).Select(p => new TopicPartitionOffset(p.TopicPartition, p.Offset)).ToList();
                    if (positions.Count > 0 && !c.TryCommit(positions))
                    {
                        Interlocked.Increment(ref _rejectedCommits);
                    }
                })
                .Build();
            consumer.Subscribe(topic);
            while (!stop.IsCancellationRequested)
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (result is null)
                {
                    _idle = Commit(consumer);
                    continue;
                }

                _idle = false;
                seen.AddOrUpdate(result.Message.Value, 1, (_, n) => n + 1);
                consumer.StoreOffset(result);
                if (Interlocked.Increment(ref _consumed) % 50 == 0)
                {
                    Commit(consumer);
                }
            }

            consumer.Close();
        }

        private bool Commit(IConsumer<string, string> consumer)
        {
            if (consumer.TryCommit())
            {
                return true;
            }

            Interlocked.Increment(ref _rejectedCommits);
            return false;
        }
    }
}
