using System.Buffers;

namespace StreamRec.Onnx;

/// <summary>
/// One named input tensor for <see cref="OnnxSession.Run(ReadOnlySpan{OnnxInput})"/>: caller-owned data
/// plus a shape. Nothing is copied: the data is pinned and handed to ONNX Runtime for the duration of
/// the run, so the caller may reuse (or rent) its buffers between micro-batches.
/// </summary>
public readonly struct OnnxInput
{
    private readonly ReadOnlyMemory<float> _floats;
    private readonly ReadOnlyMemory<long> _int64s;
    private readonly long[] _shape;

    private OnnxInput(string name, OnnxElementType elementType, ReadOnlyMemory<float> floats, ReadOnlyMemory<long> int64s, int length, long[] shape)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        var expected = TensorShape.ElementCount(shape, name);
        if (expected != length)
        {
            throw new ArgumentException(
                $"Input '{name}' has {length} elements but shape [{string.Join(", ", shape)}] needs {expected}.", nameof(shape));
        }

        Name = name;
        ElementType = elementType;
        _floats = floats;
        _int64s = int64s;
        _shape = shape;
    }

    public string Name { get; }

    public OnnxElementType ElementType { get; }

    public ReadOnlySpan<long> Shape => _shape;

    internal int ByteLength => ElementType == OnnxElementType.Float ? _floats.Length * sizeof(float) : _int64s.Length * sizeof(long);

    /// <summary>A float32 tensor; <paramref name="data"/> is row-major and must match the shape exactly.</summary>
    public static OnnxInput Float(string name, ReadOnlyMemory<float> data, params long[] shape) =>
        new(name, OnnxElementType.Float, data, default, data.Length, shape);

    /// <summary>An int64 tensor; <paramref name="data"/> is row-major and must match the shape exactly.</summary>
    public static OnnxInput Int64(string name, ReadOnlyMemory<long> data, params long[] shape) =>
        new(name, OnnxElementType.Int64, default, data, data.Length, shape);

    internal MemoryHandle Pin() => ElementType == OnnxElementType.Float ? _floats.Pin() : _int64s.Pin();
}
