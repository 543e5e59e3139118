using System.Globalization;
using StreamRec.Embedder.Embedding;
using StreamRec.Embedder.Features;

namespace StreamRec.UnitTests.Embedding;

/// <summary>How <see cref="EmbeddingService"/> turns a batch into encoder runs: chunking, deduplication, the cache.</summary>
public sealed class EmbeddingServiceBatchingTests
{
    private const int D = 4, MaxBatchSize = 8;

    private static readonly ItemFeatureHashingOptions Hashing = new() { VocabularySize = 1000, MaxFeatures = 3, Seed = 1 };
    private static readonly EncoderDescription Model = new("v1", D, Hashing, HashingFromModel: true);

    private static (EmbeddingService Service, FakeEncoderRunner Runner) Create(int cacheCapacity)
    {
        var runner = new FakeEncoderRunner(Hashing.MaxFeatures, D);
        return (new EmbeddingService(runner, Model, MaxBatchSize, cacheCapacity), runner);
    }

    private static List<ItemAttributes> Items(int count, int first = 0) =>
        [.. Enumerable.Range(first, count).Select(i => new ItemAttributes(i.ToString(CultureInfo.InvariantCulture), $"Title {i} (1999)", ["Drama"]))];

    /// <summary>What the fake encoder gives for one item, computed without the service.</summary>
    private static float[] Expected(ItemAttributes item)
    {
        var ids = new long[Hashing.MaxFeatures];
        new ItemFeatureHasher(Hashing).Write(item, ids, new float[Hashing.MaxFeatures]);
        var embedding = new float[D];
        new FakeEncoderRunner(Hashing.MaxFeatures, D).Encode(ids, embedding);
        return embedding;
    }

    [Theory]
    [InlineData(1, new[] { 1 })]
    [InlineData(MaxBatchSize, new[] { MaxBatchSize })]
    [InlineData(MaxBatchSize + 1, new[] { MaxBatchSize, 1 })]
    [InlineData((2 * MaxBatchSize) + 3, new[] { MaxBatchSize, MaxBatchSize, 3 })]
    public void Misses_run_in_chunks_of_at_most_MaxBatchSize(int items, int[] expectedRuns)
    {
        var (service, runner) = Create(cacheCapacity: 0);
        var batch = Items(items);
        var output = new float[items * D];

        var statistics = service.Embed(batch, output);

        Assert.Equal(expectedRuns, runner.RunRows);
        Assert.Equal(new EmbedStatistics(items, 0, items, expectedRuns.Length), statistics);
        for (var i = 0; i < items; i++)
        {
            Assert.Equal(Expected(batch[i]), output[(i * D)..((i + 1) * D)]);
        }
    }

    [Fact]
    public void Repeated_item_in_a_batch_is_encoded_once_and_written_to_every_row()
    {
        var (service, runner) = Create(cacheCapacity: 0);
        var a = new ItemAttributes("a", "Alpha (2001)");
        var b = new ItemAttributes("b", "Beta (2002)");
        ItemAttributes[] batch = [a, b, a, a, b];
        var output = new float[batch.Length * D];

        var statistics = service.Embed(batch, output);

        Assert.Equal([2], runner.RunRows);
        Assert.Equal(2, statistics.EncodedRows);
        Assert.Equal(5, statistics.CacheMisses);
        for (var i = 0; i < batch.Length; i++)
        {
            Assert.Equal(Expected(batch[i]), output[(i * D)..((i + 1) * D)]);
        }
    }

    [Fact]
    public void Cached_items_skip_the_encoder_and_only_misses_are_run()
    {
        var (service, runner) = Create(cacheCapacity: 100);
        service.Embed(Items(5), new float[5 * D]);
        runner.RunRows.Clear();

        var batch = Items(10); // items 0-4 cached, 5-9 new
        var output = new float[10 * D];
        var statistics = service.Embed(batch, output);

        Assert.Equal([5], runner.RunRows);
        Assert.Equal(new EmbedStatistics(10, 5, 5, 1), statistics);
        for (var i = 0; i < batch.Count; i++)
        {
            Assert.Equal(Expected(batch[i]), output[(i * D)..((i + 1) * D)]);
        }
    }

    [Fact]
    public void Fully_cached_batch_runs_nothing()
    {
        var (service, runner) = Create(cacheCapacity: 100);
        var batch = Items(MaxBatchSize + 1);
        service.Embed(batch, new float[batch.Count * D]);
        runner.RunRows.Clear();

        var statistics = service.Embed([.. batch, .. batch], new float[2 * batch.Count * D]);

        Assert.Empty(runner.RunRows);
        Assert.Equal(2 * batch.Count, statistics.CacheHits);
    }

    [Fact]
    public void Output_with_and_without_the_cache_is_identical()
    {
        var (cached, _) = Create(cacheCapacity: 7);
        var (uncached, _) = Create(cacheCapacity: 0);
        var random = new Random(5);

        for (var round = 0; round < 50; round++)
        {
            var batch = Items(random.Next(1, 20), first: random.Next(0, 15));
            var withCache = new float[batch.Count * D];
            var withoutCache = new float[batch.Count * D];

            cached.Embed(batch, withCache);
            uncached.Embed(batch, withoutCache);

            Assert.Equal(withoutCache, withCache);
        }
    }

    [Fact]
    public void Empty_batch_runs_nothing_and_small_destination_is_refused()
    {
        var (service, runner) = Create(cacheCapacity: 10);

        Assert.Equal(default, service.Embed([], Span<float>.Empty));
        Assert.Throws<ArgumentException>(() => service.Embed(Items(2), new float[(2 * D) - 1]));
        Assert.Empty(runner.RunRows);
    }
}
