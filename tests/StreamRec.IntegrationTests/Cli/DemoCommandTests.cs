using StreamRec.IntegrationTests.Infrastructure;

namespace StreamRec.IntegrationTests.Cli;

public sealed class DemoCommandTests
{
    [Fact]
    public async Task Demo_starts_broker_and_redis_replays_the_data_and_reconciles_counts()
    {
        using var demo = ExternalProcess.StartStreamRec("demo", "--limit", "5000");
        await demo.WaitForExitAsync(TimeSpan.FromSeconds(180));

        Assert.True(demo.ExitCode == 0, $"exit {demo.ExitCode}\n{demo.StandardOutput}\n{demo.StandardError}");
        Assert.Contains("embedded Kafka broker at 127.0.0.1:", demo.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("redis-server at 127.0.0.1:", demo.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("5,000 delivered, 0 failed", demo.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("records in streamrec.events.raw  5,000", demo.StandardOutput, StringComparison.Ordinal);
    }
}
