using System.Globalization;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace StreamRec.Embedder.Embedding;

/// <summary>
/// A model input or output as the loaded session reports it, in the form <see cref="EncoderDescription"/>
/// checks and messages print.
/// </summary>
/// <param name="Name">The graph's name for the value.</param>
/// <param name="ElementType">Element type; <c>default</c> (0) for values that are not tensors.</param>
/// <param name="Shape">Dimensions, with -1 for a dynamic (symbolic or unknown) dimension.</param>
/// <param name="SymbolicShape">Per dimension, the symbolic name (e.g. <c>batch</c>) or an empty string.</param>
public sealed record OnnxValueInfo(
    string Name,
    TensorElementType ElementType,
    IReadOnlyList<long> Shape,
    IReadOnlyList<string> SymbolicShape)
{
    /// <summary>For messages and logs, e.g. <c>ids: Int64[batch, seq]</c>.</summary>
    public override string ToString()
    {
        var dims = Shape.Select((dim, i) =>
            dim >= 0 ? dim.ToString(CultureInfo.InvariantCulture)
            : SymbolicShape[i].Length > 0 ? SymbolicShape[i]
            : "?");
        return $"{Name}: {ElementType}[{string.Join(", ", dims)}]";
    }
}
