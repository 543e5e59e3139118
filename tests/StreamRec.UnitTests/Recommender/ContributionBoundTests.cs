using StreamRec.Recommender.Privacy;

namespace StreamRec.UnitTests.Recommender;

/// <summary>The billboard's per-user contribution bound: what makes the count vector's L1 sensitivity L.</summary>
public sealed class ContributionBoundTests
{
    private const int Items = 500;

    [Fact]
    public void A_user_with_10000_events_moves_each_count_by_at_most_1_and_at_most_L_counts()
    {
        const int L = 32;
        var random = new SeededRandomSource(16);
        var others = Enumerable.Range(0, 3000).Select(_ => (User: (long)(random.NextUInt64() % 50), Item: (int)(random.NextUInt64() % Items))).ToArray();
        var heavy = Enumerable.Range(0, 10_000).Select(_ => (User: 1_000L, Item: (int)(random.NextUInt64() % Items))).ToArray();

        // The heavy user's events interleaved with the others', as a window of the stream would have them.
        var with = Counts(L, others.Zip(heavy.Take(others.Length), (a, b) => new[] { a, b }).SelectMany(x => x).Concat(heavy.Skip(others.Length)));
        var without = Counts(L, others);

        var changed = Enumerable.Range(0, Items).Where(i => with[i] != without[i]).ToList();
        Assert.All(changed, i => Assert.Equal(1, with[i] - without[i]));
        Assert.Equal(L, changed.Count); // 10,000 events over 500 items reach far more than L distinct items
    }

    [Fact]
    public void An_item_is_counted_once_per_user_and_users_are_bounded_separately()
    {
        var bound = new ContributionBound(2);

        Assert.True(bound.TryCount(1, 10));
        Assert.False(bound.TryCount(1, 10));
        Assert.True(bound.TryCount(1, 11));
        Assert.False(bound.TryCount(1, 12)); // the user's third distinct item
        Assert.True(bound.TryCount(2, 12));
        Assert.Equal(2, bound.Sensitivity);
    }

    [Fact]
    public void A_new_window_lets_every_user_contribute_again()
    {
        var bound = new ContributionBound(1);
        Assert.True(bound.TryCount(1, 10));
        Assert.False(bound.TryCount(1, 11));

        bound.Reset();

        Assert.True(bound.TryCount(1, 11));
    }

    private static int[] Counts(int maxItems, IEnumerable<(long User, int Item)> events)
    {
        var bound = new ContributionBound(maxItems);
        var counts = new int[Items];
        foreach (var (user, item) in events)
        {
            if (bound.TryCount(user, item))
            {
                counts[item]++;
            }
        }

        return counts;
    }
}
