using System.Text.Json;
using Confluent.Kafka;

namespace StreamRec.Messaging.Health;

/// <summary>
/// What one stage consumer of this process knows about itself: whether it holds a group assignment, how
/// many partitions, whether librdkafka's latest statistics show a broker connection, and how far behind
/// each of its partitions is. Written by the consumer's own callbacks (one thread), read by readiness
/// checks and metric collection (others), so every field is published as an immutable snapshot.
/// </summary>
public sealed class ConsumerStatus
{
    private volatile Snapshot _state = new(false, new HashSet<int>(), null, false, new Dictionary<int, long>());

    internal ConsumerStatus(string stage, string topic, string groupId, TimeProvider clock)
    {
        Stage = stage;
        Topic = topic;
        GroupId = groupId;
        Clock = clock;
    }

    public string Stage { get; }

    public string Topic { get; }

    public string GroupId { get; }

    /// <summary>True from the group's assignment until it is revoked or lost (also with zero partitions: more members than partitions).</summary>
    public bool HasAssignment => _state.HasAssignment;

    public int AssignedPartitions => _state.Partitions.Count;

    /// <summary>When the latest statistics arrived; null before the first.</summary>
    public DateTimeOffset? StatisticsAt => _state.StatisticsAt;

    /// <summary>Whether the latest statistics showed at least one broker connection up.</summary>
    public bool BrokerUp => _state.BrokerUp;

    /// <summary>Records behind per assigned partition (high watermark minus the next offset the stage has finished).</summary>
    public IReadOnlyDictionary<int, long> Lag => _state.Lag;

    private TimeProvider Clock { get; }

    /// <summary>
    /// Partitions given to this consumer. Under cooperative assignment (cooperative-sticky, or KIP-848's
    /// consumer protocol) a rebalance hands over only the partitions that move, so they add to those
    /// held; under eager assignment everything was revoked first. An assignment of nothing still counts
    /// (more members than partitions).
    /// </summary>
    internal void Assigned(IEnumerable<int> partitions)
    {
        var held = new HashSet<int>(_state.Partitions);
        held.UnionWith(partitions);
        _state = _state with { HasAssignment = true, Partitions = held };
    }

    /// <summary>
    /// Partitions taken away in a rebalance. When nothing is left the consumer waits for the rebalance's
    /// next assignment; when some are left (cooperative) it goes on with them.
    /// </summary>
    internal void Revoked(IEnumerable<int> partitions)
    {
        var held = new HashSet<int>(_state.Partitions);
        held.ExceptWith(partitions);
        var lag = _state.Lag.Where(l => held.Contains(l.Key)).ToDictionary(l => l.Key, l => l.Value);
        _state = _state with { HasAssignment = held.Count > 0, Partitions = held, Lag = lag };
    }

    /// <summary>Lost (the group moved on without this member) or closed: the consumer holds nothing until the next assignment.</summary>
    internal void Unassigned() =>
        _state = _state with { HasAssignment = false, Partitions = new HashSet<int>(), Lag = new Dictionary<int, long>() };

    /// <summary>Reads librdkafka's statistics JSON (STATISTICS.md): broker states and per-partition lag of this topic.</summary>
    internal void OnStatistics(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var brokerUp = false;
        if (root.TryGetProperty("brokers", out var brokers))
        {
            foreach (var broker in brokers.EnumerateObject())
            {
                brokerUp |= broker.Value.TryGetProperty("state", out var state) && state.GetString() == "UP";
            }
        }

        var lag = new Dictionary<int, long>();
        if (_state.HasAssignment && root.TryGetProperty("topics", out var topics) && topics.TryGetProperty(Topic, out var topic)
            && topic.TryGetProperty("partitions", out var partitions))
        {
            foreach (var entry in partitions.EnumerateObject())
            {
                var partition = entry.Value;
                var id = partition.GetProperty("partition").GetInt32();
                // Partition -1 is librdkafka's internal UA partition; "desired" marks the assigned ones.
                if (id < 0 || !partition.TryGetProperty("desired", out var desired) || !desired.GetBoolean())
                {
                    continue;
                }

                // Stored offsets are what the stage has finished (it stores only after the outputs are
                // acknowledged); they are ahead of the committed ones by up to one commit interval.
                var behind = Read(partition, "consumer_lag_stored");
                if (behind < 0)
                {
                    behind = Read(partition, "consumer_lag");
                }

                if (behind < 0 && Read(partition, "hi_offset") is >= 0 and var end)
                {
                    // Nothing stored or committed yet (a partition this group has not read from): behind by
                    // what it holds from where consumption starts (auto.offset.reset=earliest) or has reached.
                    behind = end - Math.Max(Math.Max(Read(partition, "lo_offset"), Read(partition, "app_offset")), 0);
                }

                if (behind >= 0)
                {
                    lag[id] = behind;
                }
            }
        }

        _state = _state with { StatisticsAt = Clock.GetUtcNow(), BrokerUp = brokerUp, Lag = lag };
    }

    internal void OnError(Error error)
    {
        if (error.Code == ErrorCode.Local_AllBrokersDown)
        {
            _state = _state with { BrokerUp = false };
        }
    }

    private static long Read(JsonElement partition, string name) =>
        partition.TryGetProperty(name, out var value) && value.TryGetInt64(out var number) ? number : -1;

    private sealed record Snapshot(bool HasAssignment, IReadOnlySet<int> Partitions, DateTimeOffset? StatisticsAt, bool BrokerUp, IReadOnlyDictionary<int, long> Lag);
}
