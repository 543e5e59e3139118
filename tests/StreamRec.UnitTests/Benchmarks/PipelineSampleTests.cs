using StreamRec.Benchmarks.EndToEnd;

namespace StreamRec.UnitTests.Benchmarks;

public sealed class PipelineSampleTests
{
    [Fact]
    public void Rates_are_read_from_the_first_sample_at_or_after_the_start_to_the_last()
    {
        PipelineSample[] samples =
        [
            new(0, 0, 0, default),
            new(1, 5_000, 1_000, default),
            new(2, 15_000, 9_000, default),
            new(4, 35_000, 29_000, default),
        ];
        var (offered, detected, seconds) = PipelineSample.Rates(samples, from: 1.5);
        Assert.Equal(2, seconds);
        Assert.Equal(10_000, offered);
        Assert.Equal(10_000, detected);
        Assert.Equal(8_750, PipelineSample.Rates(samples, from: 0).Offered); // 35,000 over 4 s
    }

    [Fact]
    public void Backlog_events_leave_out_the_mutations_topic()
    {
        var backlog = new Backlog(1, 2, 3, 4);
        Assert.Equal(6, backlog.Events);
        Assert.Equal(10, backlog.Total);
    }
}
