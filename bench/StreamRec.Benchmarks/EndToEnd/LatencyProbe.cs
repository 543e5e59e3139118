using System.Text.Json;
using Confluent.Kafka;
using StreamRec.Contracts;
using StreamRec.Messaging;

namespace StreamRec.Benchmarks.EndToEnd;

/// <summary>
/// A downstream reader of the mutations and recommendations topics (its own consumer group, the same
/// client settings as the stages), on its own thread. For each record it notes the wall clock when
/// Consume returned it, with the record's own times. The records' Kafka timestamps are of no use for
/// this: every stage forwards its input's timestamp, so a mutation's or a release's Kafka timestamp is
/// the raw event's produce time, i.e. the event time itself.
/// </summary>
internal sealed class LatencyProbe : IDisposable
{
    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly string _mutations;
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<MutationSeen> _seenMutations = [];
    private readonly List<ReleaseSeen> _seenReleases = [];
    private volatile bool _assigned;

    public LatencyProbe(KafkaOptions kafka, TopicNames topics)
    {
        var config = KafkaClientConfigs.Consumer(kafka, $"bench-latency-{Guid.NewGuid():N}");
        _consumer = new ConsumerBuilder<byte[]?, byte[]?>(config)
            .SetPartitionsAssignedHandler((_, _) => _assigned = true)
            .Build();
        _mutations = topics.Mutations;
        _consumer.Subscribe([topics.Mutations, topics.Recommendations]);
        _thread = new Thread(Loop) { Name = "bench-probe", IsBackground = true };
        _thread.Start();
    }

    /// <summary>Waits until the group has assigned the partitions (a few seconds on the embedded broker).</summary>
    public void WaitAssigned(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!_assigned)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException("latency probe: no assignment");
            }

            Thread.Sleep(50); // polling a condition with a deadline
        }
    }

    public (List<MutationSeen> Mutations, List<ReleaseSeen> Releases) Snapshot()
    {
        lock (_seenMutations)
        {
            return ([.. _seenMutations], [.. _seenReleases]);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _consumer.Close();
        _consumer.Dispose();
        _stop.Dispose();
    }

    private void Loop()
    {
        while (!_stop.IsCancellationRequested)
        {
            var result = _consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result is null || result.IsPartitionEOF || result.Message.Value is null)
            {
                continue;
            }

            var received = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            lock (_seenMutations)
            {
                if (result.Topic == _mutations)
                {
                    var mutation = JsonSerializer.Deserialize(result.Message.Value, ContractsJsonContext.Default.MutationRecord)!;
                    _seenMutations.Add(new MutationSeen(mutation.MutationId, mutation.Ts, mutation.DetectedAt, received));
                }
                else
                {
                    var release = JsonSerializer.Deserialize(result.Message.Value, ContractsJsonContext.Default.RecommendationRecord)!;
                    _seenReleases.Add(new ReleaseSeen(release.MutationId ?? "", release.Time, received));
                }
            }
        }
    }
}

/// <summary>A mutation record as the probe read it: event time, detection time and receipt time, Unix ms.</summary>
internal sealed record MutationSeen(string MutationId, long EventTime, long DetectedAt, long Received);

/// <summary>A release as the probe read it: the mutation it answers, when it was made and when it was received, Unix ms.</summary>
internal sealed record ReleaseSeen(string MutationId, long MadeAt, long Received);
