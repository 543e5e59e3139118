using StreamRec.IntegrationTests.Infrastructure;

namespace StreamRec.IntegrationTests.Cli;

public sealed class DemoCommandTests
{
    [Fact]
    public async Task Demo_runs_the_four_stages_on_the_embedded_defaults_and_reconciles_counts()
    {
        using var demo = ExternalProcess.StartStreamRec("demo", "--limit", "5000");
        await demo.WaitForExitAsync(TimeSpan.FromSeconds(300));

        Assert.True(demo.ExitCode == 0, $"exit {demo.ExitCode}\n{demo.StandardOutput}\n{demo.StandardError}");
        Assert.Contains("embedded Kafka broker at 127.0.0.1:", demo.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("redis-server at 127.0.0.1:", demo.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("5,000 delivered, 0 failed", demo.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("5,000 consumed = 5,000 forwarded (pseudonymised) + 0 dead-lettered", demo.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("embedder              5,000 embeddings", demo.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("drift detector        5,000 consumed = 5,000 applied + 0 already applied + 0 dead-lettered", demo.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"recommender           (\d+) mutations -> \1 private releases", demo.StandardOutput);
        Assert.Contains("pipeline:", demo.StandardError, StringComparison.Ordinal); // progress output
    }

    [Fact]
    public async Task Demo_trains_an_encoder_first_when_there_is_none()
    {
        var model = Path.Combine(Path.GetTempPath(), $"streamrec-demo-{Guid.NewGuid():N}.onnx");
        try
        {
            using var demo = ExternalProcess.StartStreamRec("demo", "--limit", "2000", "--model", model);
            await demo.WaitForExitAsync(TimeSpan.FromSeconds(400));

            Assert.True(demo.ExitCode == 0, $"exit {demo.ExitCode}\n{demo.StandardOutput}\n{demo.StandardError}");
            Assert.Contains($"no encoder at {model}; training one", demo.StandardOutput, StringComparison.Ordinal);
            Assert.True(File.Exists(model), "the trained encoder was not written");
            Assert.Contains("embedder              2,000 embeddings", demo.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(model);
        }
    }
}
