using StreamRec.Messaging.Stages;

namespace StreamRec.UnitTests.Messaging;

public sealed class RestartBackoffTests
{
    [Fact]
    public void Waits_double_from_one_second_up_to_the_thirty_second_cap()
    {
        var backoff = new RestartBackoff();

        var delays = Enumerable.Range(0, 8).Select(_ => backoff.NextDelay(TimeSpan.FromSeconds(2)).TotalSeconds).ToList();

        Assert.Equal([1, 2, 4, 8, 16, 30, 30, 30], delays);
        Assert.Equal(8, backoff.ConsecutiveFailures);
    }

    [Fact]
    public void An_attempt_that_ran_for_the_stable_period_starts_the_schedule_again()
    {
        var backoff = new RestartBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        backoff.NextDelay(TimeSpan.Zero);
        backoff.NextDelay(TimeSpan.Zero);
        Assert.Equal(TimeSpan.FromMilliseconds(400), backoff.NextDelay(TimeSpan.FromSeconds(9.9)));

        Assert.Equal(TimeSpan.FromMilliseconds(100), backoff.NextDelay(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, backoff.ConsecutiveFailures);
        Assert.Equal(TimeSpan.FromMilliseconds(200), backoff.NextDelay(TimeSpan.Zero));
    }

    [Fact]
    public void A_very_long_outage_stays_at_the_cap_without_overflow()
    {
        var backoff = new RestartBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromDays(365), TimeSpan.FromDays(400));

        var last = TimeSpan.Zero;
        for (var i = 0; i < 200; i++)
        {
            last = backoff.NextDelay(TimeSpan.Zero);
        }

        Assert.Equal(TimeSpan.FromDays(365), last);
    }

    [Fact]
    public void Impossible_schedules_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RestartBackoff(TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RestartBackoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), TimeSpan.Zero));
    }
}
