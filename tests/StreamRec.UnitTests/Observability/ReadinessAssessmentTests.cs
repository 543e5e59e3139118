using StreamRec.Observability.Health;

namespace StreamRec.UnitTests.Observability;

/// <summary>How one round of readiness checks is read: ready, starting, stopping or not ready.</summary>
public sealed class ReadinessAssessmentTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.UnixEpoch;
    private static readonly TimeSpan RedisAllowance = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan KafkaAllowance = TimeSpan.FromSeconds(30);

    private static readonly ReadinessCheck[] ConsumersClosing =
    [
        new("kafka", false, "no broker connection: drift (not started)"),
        new("partitions", false, "waiting for a group assignment: drift (not started)"),
        new("redis", true, "ping 0.3 ms"),
    ];

    [Fact]
    public void Consumers_closing_during_a_shutdown_are_stopping_not_a_failure()
    {
        var report = ReadinessMonitor.Assess(At, ConsumersClosing, everReady: true, TimeSpan.FromMinutes(10), RedisAllowance, KafkaAllowance, stopping: true);

        Assert.False(report.Ready);
        Assert.Equal("stopping", report.State);
    }

    [Fact]
    public void The_same_checks_while_running_are_not_ready()
    {
        var report = ReadinessMonitor.Assess(At, ConsumersClosing, everReady: true, TimeSpan.FromMinutes(10), RedisAllowance, KafkaAllowance, stopping: false);

        Assert.Equal("not_ready", report.State);
    }

    [Fact]
    public void Consumers_not_yet_started_within_the_allowance_are_starting_and_past_it_not_ready()
    {
        Assert.Equal("starting", ReadinessMonitor.Assess(At, ConsumersClosing, everReady: false, TimeSpan.FromSeconds(2), RedisAllowance, KafkaAllowance, stopping: false).State);
        Assert.Equal("not_ready", ReadinessMonitor.Assess(At, ConsumersClosing, everReady: false, TimeSpan.FromSeconds(31), RedisAllowance, KafkaAllowance, stopping: false).State);
    }

    [Fact]
    public void A_redis_failure_after_the_first_ready_round_is_not_ready_however_early()
    {
        ReadinessCheck[] checks = [new("kafka", true, "1 consumer(s) connected"), new("partitions", true, "drift: 2 partition(s)"), new("redis", false, "no answer")];

        Assert.Equal("not_ready", ReadinessMonitor.Assess(At, checks, everReady: true, TimeSpan.FromSeconds(1), RedisAllowance, KafkaAllowance, stopping: false).State);
    }

    [Fact]
    public void Passing_checks_are_ready_even_while_stopping()
    {
        ReadinessCheck[] checks = [new("kafka", true, "1 consumer(s) connected"), new("partitions", true, "drift: 2 partition(s)")];

        Assert.Equal("ready", ReadinessMonitor.Assess(At, checks, everReady: true, TimeSpan.FromMinutes(1), RedisAllowance, KafkaAllowance, stopping: true).State);
    }
}
