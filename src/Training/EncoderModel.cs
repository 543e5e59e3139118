using System.Globalization;
using StreamRec.Embedder;
using StreamRec.OnnxWriter;

namespace StreamRec.Training;

/// <summary>
/// The default item encoder as an ONNX graph (opset 17), written with the project's own ONNX writer:
/// <code>
/// ids  int64 [batch, seq] --Gather(table V x E)--> rows [batch, seq, E]
/// mask float [batch, seq] --weights rows, masked mean over seq--> pooled [batch, E]
///   pooled = sum_s(mask * rows) / max(sum_s(mask), MaskEpsilon)
/// pooled --MatMul(projection E x D)--> projected [batch, D]
/// embedding = projected / max(||projected||_2, NormEpsilon)   float [batch, D]
/// </code>
/// A row whose mask is all zero yields the zero vector. Ids must lie in [0, V): ORT's Gather rejects
/// larger ids and wraps negative ones, so callers hash features into that range.
/// </summary>
public static class EncoderModel
{
    // The tensor names are the Embedder's contract with a model file; repeated here so the graph reads whole.
    public const string IdsInput = EncoderModelSignature.IdsInput;
    public const string MaskInput = EncoderModelSignature.MaskInput;
    public const string EmbeddingOutput = EncoderModelSignature.EmbeddingOutput;

    /// <summary>ONNX operator set. From 13 on, ReduceSum and Unsqueeze take axes as an input tensor.</summary>
    public const int Opset = 17;

    /// <summary>Floor for the mask total, so that an all-masked row divides 0 by a positive number.</summary>
    public const float MaskEpsilon = 1e-12f;

    /// <summary>Floor for the L2 norm, so that a zero vector stays zero instead of becoming NaN.</summary>
    public const float NormEpsilon = 1e-12f;

    /// <summary>The serialized model, ready for <see cref="Embedder.Embedding.EncoderSession.Open(byte[], Embedder.Embedding.EncoderSessionOptions?, Microsoft.Extensions.Logging.ILogger?)"/>.</summary>
    public static byte[] Build(EncoderModelParameters parameters) => CreateBuilder(parameters).ToByteArray();

    /// <summary>Writes the model file atomically (see <see cref="OnnxModelBuilder.WriteFile"/>).</summary>
    public static void Write(EncoderModelParameters parameters, string path) => CreateBuilder(parameters).WriteFile(path);

    /// <summary>The model before serialization, for callers that want to inspect or extend it.</summary>
    public static OnnxModelBuilder CreateBuilder(EncoderModelParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var model = new OnnxModelBuilder("streamrec_item_encoder")
            .WithOpset(Opset)
            .WithProducer("StreamRec.Embedder", parameters.ModelVersion)
            .WithDocString("StreamRec item encoder: masked mean of embedding-table rows, linear projection, L2 normalisation.")
            .WithMetadata(EncoderModelMetadata.ModelVersion, parameters.ModelVersion)
            .WithMetadata(EncoderModelMetadata.EmbeddingDimension, Invariant(parameters.EmbeddingDimension))
            .WithMetadata(EncoderModelMetadata.VocabularySize, Invariant(parameters.VocabularySize))
            .WithMetadata(EncoderModelMetadata.TableDimension, Invariant(parameters.TableDimension));
        foreach (var (key, value) in parameters.HashingParameters.OrderBy(entry => entry.Key, StringComparer.Ordinal))
        {
            model.WithMetadata(EncoderModelMetadata.HashingPrefix + key, value);
        }

        model.Graph
            .AddInput(IdsInput, OnnxElementType.Int64, "batch", "seq")
            .AddInput(MaskInput, OnnxElementType.Float, "batch", "seq")
            .AddInitializer("item_table", parameters.Table.Span, parameters.VocabularySize, parameters.TableDimension)
            .AddInitializer("projection", parameters.Projection.Span, parameters.TableDimension, parameters.EmbeddingDimension)
            .AddInitializer("seq_axis", [1L], 1)
            .AddInitializer("feature_axis", [2L], 1)
            .AddInitializer("mask_epsilon", [MaskEpsilon])
            .AddInitializer("norm_epsilon", [NormEpsilon])
            .AddNode("Gather", ["item_table", IdsInput], ["rows"], OnnxAttribute.Int("axis", 0))
            .AddNode("Unsqueeze", [MaskInput, "feature_axis"], ["mask_3d"])
            .AddNode("Mul", ["rows", "mask_3d"], ["weighted_rows"])
            .AddNode("ReduceSum", ["weighted_rows", "seq_axis"], ["weighted_sum"], OnnxAttribute.Int("keepdims", 0))
            .AddNode("ReduceSum", [MaskInput, "seq_axis"], ["mask_total"], OnnxAttribute.Int("keepdims", 1))
            .AddNode("Max", ["mask_total", "mask_epsilon"], ["safe_mask_total"])
            .AddNode("Div", ["weighted_sum", "safe_mask_total"], ["pooled"])
            .AddNode("MatMul", ["pooled", "projection"], ["projected"])
            // Unlike ReduceSum, ReduceL2 keeps axes as an attribute until opset 18.
            .AddNode("ReduceL2", ["projected"], ["norm"], OnnxAttribute.Ints("axes", 1), OnnxAttribute.Int("keepdims", 1))
            .AddNode("Max", ["norm", "norm_epsilon"], ["safe_norm"])
            .AddNode("Div", ["projected", "safe_norm"], [EmbeddingOutput])
            .AddOutput(EmbeddingOutput, OnnxElementType.Float, "batch", parameters.EmbeddingDimension);
        return model;
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
