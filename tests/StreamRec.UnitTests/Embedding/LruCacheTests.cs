using StreamRec.Embedder.Embedding;

namespace StreamRec.UnitTests.Embedding;

public sealed class LruCacheTests
{
    [Fact]
    public void Least_recently_used_entry_is_evicted_and_a_lookup_counts_as_use()
    {
        var cache = new LruCache<string, int>(capacity: 3);
        cache.Set("a", 1);
        cache.Set("b", 2);
        cache.Set("c", 3);

        Assert.True(cache.TryGet("a", out _));
        cache.Set("d", 4);

        Assert.Equal(["d", "a", "c"], cache.KeysByRecency);
        Assert.False(cache.TryGet("b", out _));
        cache.Set("e", 5);
        Assert.Equal(["e", "d", "a"], cache.KeysByRecency);
    }

    [Fact]
    public void Replacing_a_value_keeps_the_count_and_refreshes_the_entry()
    {
        var cache = new LruCache<string, int>(capacity: 2);
        cache.Set("a", 1);
        cache.Set("b", 2);

        cache.Set("a", 10);
        cache.Set("c", 3);

        Assert.Equal(2, cache.Count);
        Assert.True(cache.TryGet("a", out var a));
        Assert.Equal(10, a);
        Assert.False(cache.TryGet("b", out _));
    }

    [Fact]
    public void Count_never_exceeds_capacity_and_the_newest_entries_stay()
    {
        var cache = new LruCache<int, int>(capacity: 10);

        for (var i = 0; i < 1000; i++)
        {
            cache.Set(i, -i);
            Assert.Equal(Math.Min(i + 1, 10), cache.Count);
        }

        Assert.Equal(Enumerable.Range(990, 10).Reverse(), cache.KeysByRecency);
    }

    [Fact]
    public void Capacity_below_one_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LruCache<int, int>(0));
    }
}
