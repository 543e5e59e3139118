using System.Runtime.InteropServices;
using StreamRec.Embedder;
using StreamRec.OnnxWriter;
using StreamRec.OnnxWriter.Proto;
using StreamRec.Training;

namespace StreamRec.UnitTests.Onnx;

public sealed class EncoderModelGraphTests
{
    private static readonly Dictionary<string, string> Hashing = new() { ["seed"] = "97", ["buckets"] = "50" };

    [Fact]
    public void Encoder_model_declares_ids_and_mask_inputs_with_symbolic_batch_and_sequence()
    {
        var graph = Parse(EncoderModelParameters.CreateRandom(50, 4, 3, seed: 1, "v1")).Graph;

        Assert.Equal([EncoderModel.IdsInput, EncoderModel.MaskInput], graph.Input.Select(i => i.Name));
        Assert.Equal((int)OnnxElementType.Int64, graph.Input[0].Type.TensorType.ElemType);
        Assert.Equal((int)OnnxElementType.Float, graph.Input[1].Type.TensorType.ElemType);
        foreach (var input in graph.Input)
        {
            Assert.Equal(["batch", "seq"], input.Type.TensorType.Shape.Dim.Select(d => d.DimParam));
        }

        var output = Assert.Single(graph.Output);
        Assert.Equal(EncoderModel.EmbeddingOutput, output.Name);
        Assert.Equal("batch", output.Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(3, output.Type.TensorType.Shape.Dim[1].DimValue);
    }

    [Fact]
    public void Encoder_model_stores_the_table_and_projection_exactly()
    {
        var parameters = EncoderModelParameters.CreateRandom(50, 4, 3, seed: 2, "v1");

        var graph = Parse(parameters).Graph;

        var table = graph.Initializer.Single(t => t.Name == "item_table");
        Assert.Equal([50L, 4L], table.Dims);
        Assert.Equal(parameters.Table.ToArray(), MemoryMarshal.Cast<byte, float>(table.RawData.Span).ToArray());
        var projection = graph.Initializer.Single(t => t.Name == "projection");
        Assert.Equal([4L, 3L], projection.Dims);
        Assert.Equal(parameters.Projection.ToArray(), MemoryMarshal.Cast<byte, float>(projection.RawData.Span).ToArray());
    }

    [Fact]
    public void Encoder_model_carries_version_dimensions_and_hashing_parameters_as_metadata()
    {
        var model = Parse(EncoderModelParameters.CreateRandom(50, 4, 3, seed: 3, "2026-11-22.1", Hashing));

        var metadata = model.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("2026-11-22.1", metadata[EncoderModelMetadata.ModelVersion]);
        Assert.Equal("3", metadata[EncoderModelMetadata.EmbeddingDimension]);
        Assert.Equal("50", metadata[EncoderModelMetadata.VocabularySize]);
        Assert.Equal("4", metadata[EncoderModelMetadata.TableDimension]);
        Assert.Equal("97", metadata[EncoderModelMetadata.HashingPrefix + "seed"]);
        Assert.Equal("50", metadata[EncoderModelMetadata.HashingPrefix + "buckets"]);
        Assert.Equal(EncoderModel.Opset, Assert.Single(model.OpsetImport).Version);
    }

    [Fact]
    public void Same_seed_gives_the_same_weights_and_another_seed_different_ones()
    {
        var first = EncoderModelParameters.CreateRandom(20, 4, 3, seed: 5, "v1");
        var again = EncoderModelParameters.CreateRandom(20, 4, 3, seed: 5, "v1");
        var other = EncoderModelParameters.CreateRandom(20, 4, 3, seed: 6, "v1");

        Assert.Equal(first.Table.ToArray(), again.Table.ToArray());
        Assert.Equal(first.Projection.ToArray(), again.Projection.ToArray());
        Assert.NotEqual(first.Table.ToArray(), other.Table.ToArray());
    }

    [Fact]
    public void Parameters_whose_table_does_not_match_V_times_E_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new EncoderModelParameters(new float[11], new float[6], 5, 2, 3, "v1"));
    }

    private static ModelProto Parse(EncoderModelParameters parameters) => ModelProto.Parser.ParseFrom(EncoderModel.Build(parameters));
}
