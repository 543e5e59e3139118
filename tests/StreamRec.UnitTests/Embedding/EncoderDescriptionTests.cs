using Microsoft.ML.OnnxRuntime.Tensors;
using StreamRec.Embedder;
using StreamRec.Embedder.Embedding;
using StreamRec.Embedder.Features;

namespace StreamRec.UnitTests.Embedding;

/// <summary>How a loaded model's declarations and the configuration resolve into D, version and hashing.</summary>
public sealed class EncoderDescriptionTests
{
    private static readonly ItemFeatureHashingOptions ModelHashing = new() { VocabularySize = 4096, MaxFeatures = 8, Seed = 7 };

    private static readonly OnnxValueInfo[] Inputs =
    [
        new("ids", TensorElementType.Int64, [-1, -1], ["batch", "seq"]),
        new("mask", TensorElementType.Float, [-1, -1], ["batch", "seq"]),
    ];

    private static OnnxValueInfo[] Outputs(long d = 32) => [new("embedding", TensorElementType.Float, [-1, d], ["batch", ""])];

    /// <summary>The metadata StreamRec.Training's <c>EncoderModel</c> writes.</summary>
    private static Dictionary<string, string> Metadata(bool hashing = true)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [EncoderModelMetadata.ModelVersion] = "m-1",
            [EncoderModelMetadata.EmbeddingDimension] = "32",
            [EncoderModelMetadata.VocabularySize] = "4096",
            [EncoderModelMetadata.TableDimension] = "16",
        };
        if (hashing)
        {
            foreach (var (key, value) in ModelHashing.ToMetadata())
            {
                metadata[EncoderModelMetadata.HashingPrefix + key] = value;
            }
        }

        return metadata;
    }

    private static EmbedderOptions Options(Action<EmbedderOptions>? configure = null)
    {
        var options = new EmbedderOptions { ModelPath = "model.onnx" };
        configure?.Invoke(options);
        return options;
    }

    private static string Fails(EmbedderOptions options, IReadOnlyList<OnnxValueInfo>? inputs = null, IReadOnlyList<OnnxValueInfo>? outputs = null, Dictionary<string, string>? metadata = null) =>
        Assert.Throws<InvalidOperationException>(() => EncoderDescription.Resolve(options, inputs ?? Inputs, outputs ?? Outputs(), metadata ?? Metadata(), "model.onnx")).Message;

    [Fact]
    public void Default_encoder_metadata_gives_version_dimension_and_hashing()
    {
        var model = EncoderDescription.Resolve(Options(), Inputs, Outputs(), Metadata(), "model.onnx");

        Assert.Equal(new EncoderDescription("m-1", 32, ModelHashing, HashingFromModel: true), model);
    }

    [Fact]
    public void Configured_dimension_that_disagrees_with_the_model_names_the_key()
    {
        var message = Fails(Options(o => o.Dimension = 64));

        Assert.Contains("Embedder:Dimension is 64", message, StringComparison.Ordinal);
        Assert.Contains("'streamrec.embedding_dimension' = 32", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Configured_dimension_that_agrees_is_accepted()
    {
        Assert.Equal(32, EncoderDescription.Resolve(Options(o => o.Dimension = 32), Inputs, Outputs(), Metadata(), "m").Dimension);
    }

    [Fact]
    public void Dimension_comes_from_the_output_shape_when_the_metadata_lacks_it()
    {
        var metadata = Metadata();
        metadata.Remove(EncoderModelMetadata.EmbeddingDimension);

        Assert.Equal(32, EncoderDescription.Resolve(Options(), Inputs, Outputs(32), metadata, "m").Dimension);
        Assert.Contains("set Embedder:Dimension", Fails(Options(), outputs: Outputs(-1), metadata: metadata), StringComparison.Ordinal);
        Assert.Equal(48, EncoderDescription.Resolve(Options(o => o.Dimension = 48), Inputs, Outputs(-1), metadata, "m").Dimension);
    }

    [Fact]
    public void Metadata_and_output_shape_that_disagree_are_refused()
    {
        Assert.Contains("has 16 columns", Fails(Options(), outputs: Outputs(16)), StringComparison.Ordinal);
    }

    [Fact]
    public void Model_without_hashing_metadata_uses_the_configured_hashing_and_requires_it()
    {
        var configured = new ItemFeatureHashingOptions { VocabularySize = 4096, MaxFeatures = 4, Seed = 3 };

        var model = EncoderDescription.Resolve(Options(o => o.Hashing = configured), Inputs, Outputs(), Metadata(hashing: false), "m");

        Assert.Equal(configured, model.Hashing);
        Assert.False(model.HashingFromModel);
        Assert.Contains("set Embedder:Hashing:VocabularySize", Fails(Options(), metadata: Metadata(hashing: false)), StringComparison.Ordinal);
    }

    [Fact]
    public void Configured_hashing_that_differs_from_the_model_is_refused()
    {
        var message = Fails(Options(o => o.Hashing = ModelHashing with { Seed = 8 }));

        Assert.Contains("remove Embedder:Hashing", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hashing_vocabulary_that_does_not_match_the_table_is_refused()
    {
        var metadata = Metadata(hashing: false);

        var message = Fails(Options(o => o.Hashing = ModelHashing with { VocabularySize = 65536 }), metadata: metadata);

        Assert.Contains("'streamrec.vocabulary_size' = 4096", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fixed_sequence_length_must_equal_the_hashed_feature_count()
    {
        OnnxValueInfo[] fixedSeq =
        [
            new("ids", TensorElementType.Int64, [-1, 16], ["batch", ""]),
            new("mask", TensorElementType.Float, [-1, 16], ["batch", ""]),
        ];

        Assert.Contains("fixed sequence length of 16", Fails(Options(), inputs: fixedSeq), StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_or_mistyped_input_names_list_what_the_model_has()
    {
        var missing = Fails(Options(o => o.InputIdsName = "input_ids"));
        var mistyped = Fails(Options(o => o.InputIdsName = "mask"));

        Assert.Contains("no input 'input_ids' (Embedder:InputIdsName)", missing, StringComparison.Ordinal);
        Assert.Contains("ids: Int64[batch, seq]", missing, StringComparison.Ordinal);
        Assert.Contains("must be Int64[batch, seq]", mistyped, StringComparison.Ordinal);
    }

    [Fact]
    public void Model_version_comes_from_the_metadata_else_from_the_configuration()
    {
        var metadata = Metadata();
        metadata.Remove(EncoderModelMetadata.ModelVersion);

        Assert.Contains("set Embedder:ModelVersion", Fails(Options(), metadata: metadata), StringComparison.Ordinal);
        Assert.Equal("mine", EncoderDescription.Resolve(Options(o => o.ModelVersion = "mine"), Inputs, Outputs(), metadata, "m").ModelVersion);
        Assert.Contains("Remove Embedder:ModelVersion", Fails(Options(o => o.ModelVersion = "other")), StringComparison.Ordinal);
    }
}
