using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using StreamRec.IntegrationTests.Infrastructure;
using StreamRec.Embedded;
using StreamRec.IntegrationTests.Kafka;
using StreamRec.Messaging;
using StreamRec.Messaging.Stages;

namespace StreamRec.IntegrationTests.Stages;

[Collection(KafkaCollection.Name)]
public sealed class StageLoopTests(KafkaFixture kafka) : IDisposable
{
    // The test's own meter and consumer registry (a new one per test): its loops register and count there.
    private readonly CounterCapture _counters = new();

    [Fact]
    public async Task A_lone_record_is_processed_when_the_batch_wait_expires()
    {
        var (input, output) = Topics();
        var processor = new RecordingProcessor(output);
        using var stop = new CancellationTokenSource();
        var loop = Start(input, processor, maxBatchSize: 100, TimeSpan.FromMilliseconds(200), stop.Token);

        KafkaTestClients.ProduceAll(kafka.Options, input, [("k", "only")]);
        await Eventually.TrueAsync(() => Healthy(loop) && processor.Batches.Count == 1, TimeSpan.FromSeconds(30), "one batch of one record");

        await stop.CancelAsync();
        await loop;
        Assert.Equal([1], processor.Batches);
    }

    [Fact]
    public async Task Batches_never_exceed_the_maximum_size_and_every_record_is_delivered_once_in_order()
    {
        const int maxBatch = 16;
        const int records = maxBatch * 5 + 1;
        var (input, output) = Topics(partitions: 1);
        KafkaTestClients.ProduceAll(kafka.Options, input, Enumerable.Range(0, records).Select(i => ("k", $"{i}")));
        var processor = new RecordingProcessor(output);
        using var stop = new CancellationTokenSource();
        var loop = Start(input, processor, maxBatch, TimeSpan.FromSeconds(1), stop.Token);

        await Eventually.TrueAsync(() => Healthy(loop) && processor.Batches.Sum() == records, TimeSpan.FromSeconds(30), "all records processed");
        await stop.CancelAsync();
        await loop;

        Assert.All(processor.Batches, size => Assert.InRange(size, 1, maxBatch));
        Assert.Contains(maxBatch, processor.Batches); // a backlog fills batches to the maximum
        var delivered = KafkaTestClients.ReadToEnd(kafka.Options, output, readCommitted: false, TimeSpan.FromSeconds(30));
        Assert.Equal(Enumerable.Range(0, records).Select(i => $"out-{i}"), delivered.Select(r => r.Message.Value));
    }

    [Fact]
    public async Task A_failing_batch_stops_the_stage_without_committing_and_a_restart_processes_it_again()
    {
        var (input, output) = Topics(partitions: 1);
        var group = UniqueNames.Next("group");
        KafkaTestClients.ProduceAll(kafka.Options, input, Enumerable.Range(0, 10).Select(i => ("k", $"{i}")));

        var failing = new RecordingProcessor(output) { FailOn = "5" };
        var crashed = Start(input, failing, maxBatchSize: 100, TimeSpan.FromMilliseconds(50), CancellationToken.None, group);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => crashed);
        Assert.Contains("poison", error.Message, StringComparison.Ordinal);

        // The group resumes from the last committed offset: the failed batch is seen again, nothing skipped.
        var healthy = new RecordingProcessor(output);
        using var stop = new CancellationTokenSource();
        var loop = Start(input, healthy, maxBatchSize: 100, TimeSpan.FromMilliseconds(50), stop.Token, group);
        await Eventually.TrueAsync(() => Healthy(loop) && healthy.Values.Contains("9"), TimeSpan.FromSeconds(30), "the restarted stage reaches the end");
        await stop.CancelAsync();
        await loop;

        Assert.Contains("5", healthy.Values);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"{i}"), healthy.Values.Distinct());
    }

    [Fact]
    [Trait(BrokerTrait.Name, BrokerTrait.EmbeddedOnly)] // injects fetch errors
    public async Task Failed_fetches_are_fetched_again_without_stopping_the_stage_and_every_record_is_delivered_once_in_order()
    {
        const short fetchApi = 1;
        using var cluster = new EmbeddedKafkaCluster(); // its own: the injected errors must not reach other tests
        var options = new KafkaOptions
        {
            BootstrapServers = cluster.BootstrapServers,
            Consumer = new Dictionary<string, string>(EmbeddedKafkaCluster.ConsumerSettings, StringComparer.Ordinal),
        };
        var input = UniqueNames.Next("loop-in");
        var output = UniqueNames.Next("loop-out");
        cluster.CreateTopic(input, partitions: 1);
        cluster.CreateTopic(output, partitions: 1);
        var processor = new RecordingProcessor(output);
        using var stop = new CancellationTokenSource();
        var loopOptions = new StageLoopOptions { InputTopic = input, GroupId = UniqueNames.Next("group"), MaxBatchSize = 8, MaxBatchWait = TimeSpan.FromMilliseconds(20) };
        var loop = new StageLoop(options, loopOptions, processor, _counters.Metrics, _counters.Consumers, NullLogger.Instance).RunAsync(stop.Token);

        KafkaTestClients.ProduceAll(options, input, Enumerable.Range(0, 20).Select(i => ("k", $"{i}")));
        await Eventually.TrueAsync(() => Healthy(loop) && processor.Values.Count == 20, TimeSpan.FromSeconds(30), "the first 20 records processed");

        // The next fetch requests fail the way a busy or moving broker fails them; the loop must ride them out.
        cluster.PushRequestErrors(fetchApi, ErrorCode.RequestTimedOut, ErrorCode.NotLeaderForPartition, ErrorCode.RequestTimedOut, ErrorCode.LeaderNotAvailable);
        KafkaTestClients.ProduceAll(options, input, Enumerable.Range(20, 20).Select(i => ("k", $"{i}")));
        await Eventually.TrueAsync(() => Healthy(loop) && processor.Values.Count >= 40, TimeSpan.FromSeconds(60), () => $"all 40 records processed (so far {processor.Values.Count})");

        Assert.False(loop.IsCompleted, $"the loop ended: {loop.Exception?.GetBaseException().Message}");
        await stop.CancelAsync();
        await loop;
        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"{i}"), processor.Values);
        var delivered = KafkaTestClients.ReadToEnd(options, output, readCommitted: false, TimeSpan.FromSeconds(30));
        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"out-{i}"), delivered.Select(r => r.Message.Value));
    }

    [Fact]
    public async Task A_cooperative_rebalance_keeps_the_records_in_hand_of_the_partitions_that_stay_and_none_is_skipped()
    {
        const int partitions = 8;
        const int records = 800;
        var (input, output) = Topics(partitions);
        var group = UniqueNames.Next("group");
        KafkaTestClients.ProduceAll(kafka.Options, input, Enumerable.Range(0, records).Select(i => ($"k{i}", $"{i}")));
        var first = new RecordingProcessor(output);
        var second = new RecordingProcessor(output);
        using var stop = new CancellationTokenSource();
        // The first member's batch stays open for 10 s after its first record: when the second member
        // joins, it holds records of every partition in hand, and the rebalance takes half of them away.
        var firstLoop = Start(input, first, maxBatchSize: 100_000, TimeSpan.FromSeconds(10), stop.Token, group);
        await Eventually.TrueAsync(() => Healthy(firstLoop) && Members(input, group) is [{ AssignedPartitions: partitions }],
            TimeSpan.FromSeconds(30), "the first member to be assigned every partition");

        var secondLoop = Start(input, second, maxBatchSize: 100_000, TimeSpan.FromMilliseconds(50), stop.Token, group);
        await Eventually.TrueAsync(() => Healthy(firstLoop) && Healthy(secondLoop) && first.Values.Count + second.Values.Count >= records,
            TimeSpan.FromSeconds(90), () => $"all {records} records processed by the two members (so far {first.Values.Count} + {second.Values.Count})");
        await stop.CancelAsync();
        await Task.WhenAll(firstLoop, secondLoop);

        // Both members worked: the partitions were shared while the first one's batch was open.
        Assert.True(first.Values.Count > 0 && second.Values.Count > 0, $"one member processed nothing ({first.Values.Count} + {second.Values.Count}): no rebalance");
        Assert.Equal(Enumerable.Range(0, records).Select(i => $"{i}").Order(StringComparer.Ordinal),
            first.Values.Concat(second.Values).Distinct().Order(StringComparer.Ordinal));
    }

    public void Dispose() => _counters.Dispose();

    private List<StreamRec.Messaging.Health.ConsumerStatus> Members(string input, string group) =>
        [.. _counters.Consumers.Current.Where(c => c.Topic == input && c.GroupId == group)];

    private (string Input, string Output) Topics(int partitions = 2)
    {
        var input = UniqueNames.Next("loop-in");
        var output = UniqueNames.Next("loop-out");
        kafka.CreateTopic(input, partitions);
        kafka.CreateTopic(output, partitions);
        return (input, output);
    }

    private Task Start(string input, RecordingProcessor processor, int maxBatchSize, TimeSpan maxWait, CancellationToken stop, string? group = null)
    {
        var options = new StageLoopOptions { InputTopic = input, GroupId = group ?? UniqueNames.Next("group"), MaxBatchSize = maxBatchSize, MaxBatchWait = maxWait };
        return new StageLoop(kafka.Options, options, processor, _counters.Metrics, _counters.Consumers, NullLogger.Instance).RunAsync(stop);
    }

    private static bool Healthy(Task loop)
    {
        if (loop.IsFaulted)
        {
            loop.GetAwaiter().GetResult();
        }

        return true;
    }

    /// <summary>Records batch sizes and values; maps each record to "out-VALUE" on the output topic.</summary>
    private sealed class RecordingProcessor(string output) : IBatchProcessor
    {
        public ConcurrentQueue<int> Batches { get; } = new();

        public ConcurrentQueue<string> Values { get; } = new();

        public string? FailOn { get; init; }

        public string StageName => "test";

        public ValueTask<IReadOnlyList<OutgoingRecord>> ProcessAsync(IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> batch, CancellationToken cancellationToken)
        {
            var values = batch.Select(r => Encoding.UTF8.GetString(r.Message.Value!)).ToList();
            if (FailOn is not null && values.Contains(FailOn))
            {
                throw new InvalidOperationException($"poison record {FailOn}");
            }

            Batches.Enqueue(batch.Count);
            foreach (var value in values)
            {
                Values.Enqueue(value);
            }

            return ValueTask.FromResult<IReadOnlyList<OutgoingRecord>>(
                [.. values.Select(v => new OutgoingRecord(output, new Message<byte[]?, byte[]?> { Key = "k"u8.ToArray(), Value = Encoding.UTF8.GetBytes($"out-{v}") }))]);
        }
    }
}
