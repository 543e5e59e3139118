using StreamRec.Embedder.Embedding;

namespace StreamRec.UnitTests.Embedding;

public sealed class ItemEmbeddingCacheTests
{
    private static ItemVersionKey Key(string item, string version = "v1") => new(item, version);

    [Fact]
    public void Stored_embedding_is_copied_in_and_out()
    {
        var cache = new ItemEmbeddingCache(capacity: 4, dimension: 3);
        float[] embedding = [1f, 2f, 3f];
        cache.Put(Key("a"), embedding);
        embedding[0] = 99f;

        var read = new float[3];
        Assert.True(cache.TryCopyTo(Key("a"), read));

        Assert.Equal([1f, 2f, 3f], read);
    }

    [Fact]
    public void Same_item_under_another_model_version_is_a_different_entry()
    {
        var cache = new ItemEmbeddingCache(capacity: 4, dimension: 1);
        cache.Put(Key("a", "v1"), [1f]);

        var read = new float[1];
        Assert.False(cache.TryCopyTo(Key("a", "v2"), read));
        cache.Put(Key("a", "v2"), [2f]);
        Assert.True(cache.TryCopyTo(Key("a", "v1"), read));
        Assert.Equal(1f, read[0]);
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void Full_cache_evicts_the_least_recently_used_item()
    {
        var cache = new ItemEmbeddingCache(capacity: 2, dimension: 1);
        cache.Put(Key("a"), [1f]);
        cache.Put(Key("b"), [2f]);
        Assert.True(cache.TryCopyTo(Key("a"), new float[1]));

        cache.Put(Key("c"), [3f]);

        Assert.Equal([Key("c"), Key("a")], cache.KeysByRecency());
        Assert.False(cache.TryCopyTo(Key("b"), new float[1]));
    }

    [Fact]
    public void Capacity_zero_disables_the_cache()
    {
        var cache = new ItemEmbeddingCache(capacity: 0, dimension: 2);

        cache.Put(Key("a"), [1f, 2f]);

        Assert.False(cache.IsEnabled);
        Assert.False(cache.TryCopyTo(Key("a"), new float[2]));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Embedding_of_the_wrong_length_is_refused()
    {
        var cache = new ItemEmbeddingCache(capacity: 2, dimension: 2);

        Assert.Throws<ArgumentException>(() => cache.Put(Key("a"), [1f]));
        Assert.Throws<ArgumentException>(() => cache.TryCopyTo(Key("a"), new float[3]));
    }

    [Fact]
    public async Task Concurrent_readers_and_writers_never_see_a_torn_or_foreign_vector()
    {
        const int Dimension = 16, Items = 64;
        var cache = new ItemEmbeddingCache(capacity: 32, dimension: Dimension);

        // Each item's vector is its number repeated, so any mix-up or partial copy is visible.
        var workers = Enumerable.Range(0, 4).Select(worker => Task.Run(() =>
        {
            var random = new Random(worker);
            var buffer = new float[Dimension];
            for (var i = 0; i < 20_000; i++)
            {
                var item = random.Next(Items);
                if (cache.TryCopyTo(Key(item.ToString(System.Globalization.CultureInfo.InvariantCulture)), buffer))
                {
                    Assert.All(buffer, value => Assert.Equal(item, value));
                }
                else
                {
                    cache.Put(Key(item.ToString(System.Globalization.CultureInfo.InvariantCulture)), Enumerable.Repeat((float)item, Dimension).ToArray());
                }
            }
        }));

        await Task.WhenAll(workers);
        Assert.Equal(32, cache.Count);
    }
}
