using System.Reflection;
using Confluent.Kafka;
using StackExchange.Redis;
using StreamRec.Messaging.Stages;
using StreamRec.Storage;

namespace StreamRec.UnitTests.Messaging;

/// <summary>Which failures restart a stage in-process (transient) and which stop the process.</summary>
public sealed class TransientFailureTests
{
    public static TheoryData<ErrorCode> TransientKafkaCodes => new()
    {
        ErrorCode.Local_MsgTimedOut, ErrorCode.Local_TimedOut, ErrorCode.Local_Transport, ErrorCode.Local_AllBrokersDown,
        ErrorCode.RequestTimedOut, ErrorCode.NotLeaderForPartition, ErrorCode.LeaderNotAvailable, ErrorCode.NotEnoughReplicas,
        ErrorCode.GroupCoordinatorNotAvailable, ErrorCode.NotCoordinatorForGroup, ErrorCode.RebalanceInProgress,
    };

    public static TheoryData<ErrorCode> PermanentKafkaCodes => new()
    {
        ErrorCode.TopicAuthorizationFailed, ErrorCode.SaslAuthenticationFailed, ErrorCode.MsgSizeTooLarge,
        ErrorCode.Local_Fatal, ErrorCode.OutOfOrderSequenceNumber, ErrorCode.InvalidConfig, ErrorCode.Local_InvalidArg,
    };

    [Theory]
    [MemberData(nameof(TransientKafkaCodes))]
    public void A_Kafka_error_that_can_pass_is_transient(ErrorCode code)
    {
        Assert.Equal(KafkaFailures.Reason, KafkaFailures.TransientReason(new KafkaException(new Error(code, "test"))));
        // Also when a delivery or consume exception carries it.
        Assert.Equal(KafkaFailures.Reason, KafkaFailures.TransientReason(new InvalidOperationException("wrapped", new KafkaException(code))));
    }

    [Theory]
    [MemberData(nameof(PermanentKafkaCodes))]
    public void A_Kafka_error_that_cannot_pass_stops_the_process(ErrorCode code) =>
        Assert.Null(KafkaFailures.TransientReason(new KafkaException(new Error(code, "test"))));

    [Fact]
    public void A_fatal_Kafka_error_stops_the_process_even_with_a_transient_code()
    {
        var fatal = new Error(ErrorCode.Local_MsgTimedOut, "test", isFatal: true);

        Assert.Null(KafkaFailures.TransientReason(new KafkaException(fatal)));
    }

    [Fact]
    public void Redis_unreachable_or_slow_is_transient()
    {
        Assert.Equal(RedisFailures.Reason, RedisFailures.TransientReason(Redis<RedisConnectionException>(ConnectionFailureType.SocketClosed, "SocketClosed on 127.0.0.1:6379")));
        Assert.Equal(RedisFailures.Reason, RedisFailures.TransientReason(Redis<RedisConnectionException>(ConnectionFailureType.UnableToConnect, "No connection is available to service this operation: EVAL")));
        Assert.Equal(RedisFailures.Reason, RedisFailures.TransientReason(Redis<RedisTimeoutException>("Timeout performing EVAL", CommandStatus.Sent)));
        Assert.Equal(RedisFailures.Reason, RedisFailures.TransientReason(new AggregateException(Redis<RedisConnectionException>(ConnectionFailureType.SocketFailure, "x"))));
    }

    [Theory]
    [InlineData("LOADING Redis is loading the dataset in memory")]
    [InlineData("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.")]
    [InlineData("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.")]
    [InlineData("READONLY You can't write against a read only replica.")]
    [InlineData("TRYAGAIN Multiple keys request during rehashing of slot")]
    [InlineData("CLUSTERDOWN The cluster is down")]
    [InlineData("ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.")]
    public void A_Redis_server_that_cannot_serve_yet_is_transient(string message) =>
        Assert.Equal(RedisFailures.Reason, RedisFailures.TransientReason(Redis<RedisServerException>(message)));

    [Theory]
    [InlineData("WRONGTYPE Operation against a key holding the wrong kind of value")]
    [InlineData("ERR Error running script (call to f_0123): @user_script:3: attempt to compare nil with number")]
    [InlineData("NOAUTH Authentication required.")]
    [InlineData("WRONGPASS invalid username-password pair or user is disabled.")]
    public void A_Redis_error_that_trying_again_cannot_fix_stops_the_process(string message) =>
        Assert.Null(RedisFailures.TransientReason(Redis<RedisServerException>(message)));

    [Fact]
    public void Other_failures_are_not_transient()
    {
        Assert.Null(RedisFailures.TransientReason(Redis<RedisCommandException>("This operation has been disabled in the command-map and cannot be used: EVAL")));
        Assert.Null(RedisFailures.TransientReason(new InvalidOperationException("model missing")));
        Assert.Null(KafkaFailures.TransientReason(new InvalidOperationException("model missing")));
        Assert.Null(KafkaFailures.TransientReason(Redis<RedisConnectionException>(ConnectionFailureType.SocketClosed, "x")));
        Assert.Null(RedisFailures.TransientReason(new KafkaException(ErrorCode.Local_MsgTimedOut)));
    }

    /// <summary>StackExchange.Redis 1.2.6 keeps its exceptions' constructors internal: build one as the client does.</summary>
    private static T Redis<T>(params object[] arguments)
        where T : Exception =>
        (T)Activator.CreateInstance(typeof(T), BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public, null, arguments, null)!;
}
