using StreamRec.Embedded;

namespace StreamRec.UnitTests.Embedded;

public sealed class TopicSpecTests
{
    [Theory]
    [InlineData("clicks", "clicks", 8)]
    [InlineData("clicks:16", "clicks", 16)]
    [InlineData("streamrec.events.raw:1", "streamrec.events.raw", 1)]
    [InlineData("a_b-c.d", "a_b-c.d", 8)]
    public void Name_and_optional_partition_count_are_parsed(string text, string name, int partitions)
    {
        Assert.Equal(new TopicSpec(name, partitions), TopicSpec.Parse(text, defaultPartitions: 8));
    }

    [Theory]
    [InlineData("clicks:0")]
    [InlineData("clicks:-3")]
    [InlineData("clicks:x")]
    [InlineData("clicks:")]
    [InlineData(":4")]
    [InlineData("bad topic")]
    [InlineData("bad/topic:2")]
    public void Invalid_specs_are_rejected_with_the_offending_text(string text)
    {
        var error = Assert.Throws<FormatException>(() => TopicSpec.Parse(text, defaultPartitions: 8));
        Assert.Contains(text, error.Message, StringComparison.Ordinal);
    }
}
