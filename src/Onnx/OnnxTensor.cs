namespace StreamRec.Onnx;

/// <summary>
/// An output tensor copied out of ONNX Runtime into managed memory (one copy; the native buffer is
/// released right after). The arrays belong to the caller.
/// </summary>
public sealed class OnnxTensor
{
    private readonly float[]? _floats;
    private readonly long[]? _int64s;

    private OnnxTensor(string name, OnnxElementType elementType, long[] shape, float[]? floats, long[]? int64s)
    {
        Name = name;
        ElementType = elementType;
        Shape = shape;
        _floats = floats;
        _int64s = int64s;
    }

    public string Name { get; }

    public OnnxElementType ElementType { get; }

    /// <summary>The concrete shape of this result (no dynamic dimensions).</summary>
    public IReadOnlyList<long> Shape { get; }

    public int ElementCount => _floats?.Length ?? _int64s?.Length ?? 0;

    internal static OnnxTensor FromFloats(string name, float[] data, long[] shape) =>
        new(name, OnnxElementType.Float, shape, data, null);

    internal static OnnxTensor FromInt64s(string name, long[] data, long[] shape) =>
        new(name, OnnxElementType.Int64, shape, null, data);

    /// <summary>The row-major data of a float32 output.</summary>
    /// <exception cref="InvalidOperationException">The output is not float32.</exception>
    public float[] GetFloats() =>
        _floats ?? throw new InvalidOperationException($"Output '{Name}' holds {ElementType} elements, not Float.");

    /// <summary>The row-major data of an int64 output.</summary>
    /// <exception cref="InvalidOperationException">The output is not int64.</exception>
    public long[] GetInt64s() =>
        _int64s ?? throw new InvalidOperationException($"Output '{Name}' holds {ElementType} elements, not Int64.");
}
