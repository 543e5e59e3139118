using StreamRec.Benchmarks.EndToEnd;
using StreamRec.Contracts;

namespace StreamRec.UnitTests.Benchmarks;

public sealed class ReplayStreamTests
{
    private static readonly RawEvent[] Events =
    [
        new() { EventId = "ml-1-10-100", UserId = "1", ItemId = "10", Type = "click", Ts = 100_000 },
        new() { EventId = "ml-2-20-200", UserId = "2", ItemId = "20", Type = "view", Ts = 200_000 },
    ];

    [Fact]
    public void The_first_pass_is_the_replay_itself_with_the_given_event_time()
    {
        var stream = new ReplayStream(Events, population: 10);
        var e = stream.At(1, nowMs: 1_764_590_000_000);
        Assert.Equal("ml-2-20-200", e.EventId);
        Assert.Equal("2", e.UserId);
        Assert.Equal("20", e.ItemId);
        Assert.Equal(1_764_590_000_000, e.Ts);
    }

    [Fact]
    public void Later_passes_bring_new_users_and_unique_event_ids()
    {
        var stream = new ReplayStream(Events, population: 10);
        var e = stream.At(5, nowMs: 1); // pass 2, event 1
        Assert.Equal("ml-2-20-200.2", e.EventId);
        Assert.Equal("2~2", e.UserId);
        Assert.Equal("20", e.ItemId);
    }

    [Fact]
    public void With_a_small_population_the_same_users_return()
    {
        var stream = new ReplayStream(Events, population: 2);
        Assert.Equal("1", stream.At(4, 0).UserId);        // pass 2 = group 0
        Assert.Equal("1~1", stream.At(6, 0).UserId);      // pass 3 = group 1
        Assert.Equal("ml-1-10-100.2", stream.At(4, 0).EventId); // ids stay unique
    }
}
