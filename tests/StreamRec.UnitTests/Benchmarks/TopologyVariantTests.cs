using StreamRec.Benchmarks;
using StreamRec.Benchmarks.EndToEnd;

namespace StreamRec.UnitTests.Benchmarks;

public sealed class TopologyVariantTests
{
    [Fact]
    public void A_bare_topology_changes_nothing()
    {
        var fused = TopologyVariant.Parse("fused");

        Assert.True(fused.Fused);
        Assert.Null(fused.Partitions);
        Assert.Null(fused.BatchSize);
        Assert.Null(fused.BatchWait);
        Assert.Null(fused.MinThreads);
        Assert.Empty(fused.Producer);
        Assert.Empty(fused.Consumer);
        Assert.Equal(1, fused.Chains);
        Assert.False(TopologyVariant.Parse("split").Fused);
        Assert.Equal(2, TopologyVariant.Parse("fused+chains=2").Chains);
    }

    [Fact]
    public void Each_change_goes_to_the_setting_it_names()
    {
        var variant = TopologyVariant.Parse("split+partitions=64+batch=2048+wait=5+threads=32+compression.type=none+fetch.queue.backoff.ms=1000+consumer.queued.min.messages=1000");

        Assert.Equal(64, variant.Partitions);
        Assert.Equal(2048, variant.BatchSize);
        Assert.Equal(TimeSpan.FromMilliseconds(5), variant.BatchWait);
        Assert.Equal(32, variant.MinThreads);
        Assert.Equal("none", variant.Producer["compression.type"]);
        Assert.Equal("1000", variant.Consumer["fetch.queue.backoff.ms"]);
        Assert.Equal("1000", variant.Consumer["queued.min.messages"]);
        Assert.Single(variant.Producer);
    }

    [Theory]
    [InlineData("both")]
    [InlineData("fused+batch")]
    [InlineData("fused+batch=-1")]
    [InlineData("")]
    [InlineData("split+chains=2")]
    public void A_mistyped_variant_is_a_usage_error(string text) => Assert.Throws<UsageException>(() => TopologyVariant.Parse(text));
}
