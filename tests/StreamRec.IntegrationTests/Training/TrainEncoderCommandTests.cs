using StreamRec.Embedder.Embedding;
using StreamRec.IntegrationTests.Infrastructure;

namespace StreamRec.IntegrationTests.Training;

/// <summary>The real <c>streamrec train-encoder</c> executable, on the real data set.</summary>
public sealed class TrainEncoderCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("streamrec-train-").FullName;

    [Fact]
    public async Task Train_encoder_writes_a_checked_model_and_prints_progress_and_quality()
    {
        // One epoch: this test is about the command, MovieLensEncoderTests about the model's quality.
        var path = Path.Combine(_directory, "models", "encoder.onnx");
        using var train = ExternalProcess.StartStreamRec("train-encoder", "--epochs", "1", "--seed", "5", "--model", path, "--version", "cli-test-1");
        await train.WaitForExitAsync(TimeSpan.FromSeconds(120));

        Assert.True(train.ExitCode == 0, train.StandardError);
        Assert.Contains("train-encoder: 80,251/80,251 (100.0%)", train.StandardError, StringComparison.Ordinal); // progress, on stderr
        Assert.Contains("epoch 1/1", train.StandardError, StringComparison.Ordinal);
        Assert.Contains("pairs/s", train.StandardError, StringComparison.Ordinal);
        Assert.Contains("version       cli-test-1", train.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("match the trainer within 1e-5", train.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("hit-rate@10, next item", train.StandardOutput, StringComparison.Ordinal);
        using var session = EncoderSession.Open(path);
        Assert.Equal("cli-test-1", session.CustomMetadata["streamrec.model_version"]);
        Assert.Equal("1", session.CustomMetadata["streamrec.training.epochs"]);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));
    }

    [Fact]
    public async Task Holdout_of_one_or_more_is_a_usage_error_naming_the_option()
    {
        using var train = ExternalProcess.StartStreamRec("train-encoder", "--holdout", "1", "--model", Path.Combine(_directory, "never.onnx"));
        await train.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, train.ExitCode);
        Assert.Contains("--holdout", train.StandardError + train.StandardOutput, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory, "never.onnx")));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
