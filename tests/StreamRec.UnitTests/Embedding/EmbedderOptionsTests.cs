using Microsoft.Extensions.Configuration;
using StreamRec.Embedder.Embedding;
using StreamRec.Embedder.Features;

namespace StreamRec.UnitTests.Embedding;

public sealed class EmbedderOptionsTests
{
    [Fact]
    public void Defaults_are_valid_once_a_model_path_is_given()
    {
        Assert.True(new EmbedderOptionsValidator().Validate(null, new EmbedderOptions { ModelPath = "m.onnx" }).Succeeded);
    }

    [Fact]
    public void Every_impossible_setting_is_reported_with_its_key()
    {
        var options = new EmbedderOptions
        {
            ExecutionProvider = "tpu",
            Dimension = -1,
            IntraOpThreads = -2,
            MaxBatchSize = 0,
            CacheCapacity = -1,
            MicroBatchSize = 0,
            MicroBatchWait = TimeSpan.Zero,
            InputIdsName = " ",
            Hashing = new ItemFeatureHashingOptions { VocabularySize = 1, MaxFeatures = 0 },
        };

        var result = new EmbedderOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        foreach (var key in new[] { "ModelPath", "ExecutionProvider", "Dimension", "IntraOpThreads", "MaxBatchSize", "CacheCapacity", "MicroBatchSize", "MicroBatchWait", "InputIdsName", "Hashing:VocabularySize", "Hashing:MaxFeatures" })
        {
            Assert.Contains(result.Failures!, failure => failure.StartsWith($"Embedder:{key} ", StringComparison.Ordinal));
        }

        Assert.Contains("streamrec train-encoder", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_bind_from_configuration_including_the_hashing_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Embedder:ModelPath"] = "/models/encoder.onnx",
            ["Embedder:ExecutionProvider"] = "cuda",
            ["Embedder:CacheCapacity"] = "0",
            ["Embedder:MicroBatchWait"] = "00:00:00.050",
            ["Embedder:Hashing:VocabularySize"] = "1024",
            ["Embedder:Hashing:MaxFeatures"] = "8",
            ["Embedder:Hashing:Seed"] = "9",
        }).Build();

        var options = configuration.GetSection(EmbedderOptions.SectionName).Get<EmbedderOptions>()!;

        Assert.Equal(("/models/encoder.onnx", "cuda", 0, TimeSpan.FromMilliseconds(50)), (options.ModelPath, options.ExecutionProvider, options.CacheCapacity, options.MicroBatchWait));
        Assert.Equal(new ItemFeatureHashingOptions { VocabularySize = 1024, MaxFeatures = 8, Seed = 9 }, options.Hashing);
        Assert.Equal(256, options.MaxBatchSize);
    }
}
