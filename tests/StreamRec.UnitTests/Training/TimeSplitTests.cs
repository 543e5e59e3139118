using StreamRec.Training;

namespace StreamRec.UnitTests.Training;

public sealed class TimeSplitTests
{
    [Fact]
    public void The_last_20_percent_of_each_users_history_is_held_out()
    {
        UserHistory[] histories =
        [
            new(1, [.. Enumerable.Range(100, 5)]),
            new(2, [.. Enumerable.Range(200, 10)]),
            new(3, [.. Enumerable.Range(300, 20)]),
            new(4, [.. Enumerable.Range(400, 23)]),
        ];

        var split = TimeSplit.Create(histories, 0.2);

        Assert.Equal([1, 2, 4, 4], split.HeldOut.Select(h => h.Items.Length)); // floor(0.2 n): 1, 2, 4, and 4 of 23
        for (var u = 0; u < histories.Length; u++)
        {
            Assert.Equal(histories[u].UserId, split.Training[u].UserId);
            Assert.Equal(histories[u].UserId, split.HeldOut[u].UserId);
            Assert.Equal(histories[u].Items, split.Training[u].Items.Concat(split.HeldOut[u].Items));
        }

        Assert.Equal([104], split.HeldOut[0].Items);
        Assert.Equal(418, split.Training[3].Items[^1]);
        Assert.Equal([419, 420, 421, 422], split.HeldOut[3].Items);
    }

    [Fact]
    public void Held_out_count_is_floor_of_the_share_but_never_the_whole_history()
    {
        Assert.Equal(7, TimeSplit.HeldOutCount(10, 0.7)); // 0.7 x 10 is 6.9999999999999991 in binary
        Assert.Equal(0, TimeSplit.HeldOutCount(4, 0.2));
        Assert.Equal(0, TimeSplit.HeldOutCount(1, 0.5)); // one item stays for training
        Assert.Equal(0, TimeSplit.HeldOutCount(0, 0.2));
        Assert.Equal(0, TimeSplit.HeldOutCount(50, 0));
        Assert.Equal(9, TimeSplit.HeldOutCount(10, 0.99));
        Assert.Throws<ArgumentOutOfRangeException>(() => TimeSplit.HeldOutCount(10, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => TimeSplit.HeldOutCount(10, -0.1));
    }

    [Fact]
    public void Holdout_zero_keeps_everything_for_training()
    {
        var split = TimeSplit.Create([new UserHistory(1, [1, 2, 3])], 0);

        Assert.Equal([1, 2, 3], split.Training[0].Items);
        Assert.Empty(split.HeldOut[0].Items);
    }
}
