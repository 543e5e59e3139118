using Confluent.Kafka;
using StreamRec.Messaging.Health;

namespace StreamRec.UnitTests.Messaging;

public sealed class ConsumerStatusTests
{
    // Shaped like librdkafka 2.0's statistics (STATISTICS.md), trimmed to the fields StreamRec reads.
    private const string Statistics = """
        {
          "name": "rdkafka#consumer-1", "type": "consumer",
          "brokers": {
            "127.0.0.1:9092/bootstrap": { "name": "127.0.0.1:9092/bootstrap", "nodeid": -1, "state": "INIT" },
            "127.0.0.1:9092/1": { "name": "127.0.0.1:9092/1", "nodeid": 1, "state": "UP" }
          },
          "topics": {
            "in": { "topic": "in", "partitions": {
              "0": { "partition": 0, "desired": true, "consumer_lag": 40, "consumer_lag_stored": 12 },
              "1": { "partition": 1, "desired": true, "consumer_lag": 7, "consumer_lag_stored": -1 },
              "3": { "partition": 3, "desired": true, "consumer_lag": -1, "consumer_lag_stored": -1, "hi_offset": 30, "lo_offset": 4, "app_offset": -1 },
              "4": { "partition": 4, "desired": true, "consumer_lag": -1, "consumer_lag_stored": -1, "hi_offset": 0, "lo_offset": 0, "app_offset": -1 },
              "2": { "partition": 2, "desired": false, "consumer_lag": 99, "consumer_lag_stored": 99 },
              "-1": { "partition": -1, "desired": false, "consumer_lag": -1, "consumer_lag_stored": -1 }
            } },
            "other": { "topic": "other", "partitions": { "0": { "partition": 0, "desired": true, "consumer_lag": 5, "consumer_lag_stored": 5 } } }
          }
        }
        """;

    [Fact]
    public void Lag_is_read_for_the_assigned_partitions_of_its_topic_from_stored_offsets_else_committed_ones_else_the_partition_size()
    {
        var status = new ConsumerStatus("drift", "in", "g", TimeProvider.System);
        status.Assigned([0, 1, 3, 4]);

        status.OnStatistics(Statistics);

        Assert.Equal(new Dictionary<int, long> { [0] = 12, [1] = 7, [3] = 26, [4] = 0 }, status.Lag);
        Assert.True(status.BrokerUp);
        Assert.NotNull(status.StatisticsAt);
    }

    [Fact]
    public void No_broker_up_in_the_statistics_or_all_brokers_down_means_disconnected()
    {
        var status = new ConsumerStatus("drift", "in", "g", TimeProvider.System);
        status.OnStatistics(Statistics.Replace("\"UP\"", "\"DOWN\"", StringComparison.Ordinal));
        Assert.False(status.BrokerUp);

        status.OnStatistics(Statistics);
        Assert.True(status.BrokerUp);
        status.OnError(new Error(ErrorCode.Local_AllBrokersDown));
        Assert.False(status.BrokerUp);
    }

    [Fact]
    public void A_revoked_assignment_clears_the_partitions_and_their_lag_until_the_next_one()
    {
        var status = new ConsumerStatus("drift", "in", "g", TimeProvider.System);
        Assert.False(status.HasAssignment);
        status.Assigned([0, 1]);
        status.OnStatistics(Statistics);

        status.Revoked([0, 1]);

        Assert.False(status.HasAssignment);
        Assert.Equal(0, status.AssignedPartitions);
        Assert.Empty(status.Lag);
        status.OnStatistics(Statistics); // statistics between revoke and assign report no lag of partitions not held
        Assert.Empty(status.Lag);
        status.Assigned([]); // more members than partitions: an assignment of nothing is still an assignment
        Assert.True(status.HasAssignment);
    }

    [Fact]
    public void A_cooperative_rebalance_moves_only_the_revoked_partitions_and_the_rest_keep_their_lag()
    {
        var status = new ConsumerStatus("drift", "in", "g", TimeProvider.System);
        status.Assigned([0, 1, 3, 4]);
        status.OnStatistics(Statistics);

        status.Revoked([1, 4]);

        Assert.True(status.HasAssignment);
        Assert.Equal(2, status.AssignedPartitions);
        Assert.Equal(new Dictionary<int, long> { [0] = 12, [3] = 26 }, status.Lag);

        status.Assigned([5]); // the incremental assignment of the same rebalance adds to what is kept
        Assert.Equal(3, status.AssignedPartitions);
    }

    [Fact]
    public void Lost_partitions_leave_nothing_held()
    {
        var status = new ConsumerStatus("drift", "in", "g", TimeProvider.System);
        status.Assigned([0, 1]);
        status.OnStatistics(Statistics);

        status.Unassigned();

        Assert.False(status.HasAssignment);
        Assert.Equal(0, status.AssignedPartitions);
        Assert.Empty(status.Lag);
    }
}
