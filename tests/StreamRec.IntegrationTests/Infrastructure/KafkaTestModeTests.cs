using System.Diagnostics;

namespace StreamRec.IntegrationTests.Infrastructure;

/// <summary>The fixture's choice of Kafka (pure logic, and the container mode's failure without a Docker engine).</summary>
public sealed class KafkaTestModeTests
{
    [Theory]
    [InlineData(null, KafkaTestMode.Embedded)]
    [InlineData("", KafkaTestMode.Embedded)]
    [InlineData("embedded", KafkaTestMode.Embedded)]
    [InlineData("container", KafkaTestMode.Container)]
    [InlineData(" Container ", KafkaTestMode.Container)]
    public void The_embedded_broker_is_the_default_and_container_mode_is_chosen_by_name(string? value, KafkaTestMode expected) =>
        Assert.Equal(expected, KafkaTestModes.Parse(value));

    [Fact]
    public void An_unknown_mode_is_an_error_naming_the_variable_and_the_modes()
    {
        var error = Assert.Throws<ArgumentException>(() => KafkaTestModes.Parse("kraft"));
        Assert.Contains("STREAMREC_TEST_KAFKA='kraft'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'embedded'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'container'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Container_mode_without_a_Docker_engine_fails_within_seconds_saying_why()
    {
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => KafkaFixture.StartContainerAsync(dockerEndpoint: "unix:///nonexistent/docker.sock"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Contains("needs a Docker engine", error.Message, StringComparison.Ordinal);
        Assert.Contains("Unset STREAMREC_TEST_KAFKA", error.Message, StringComparison.Ordinal);
    }
}
