namespace StreamRec.OnnxWriter;

/// <summary>
/// One dimension of a graph input or output: a fixed size, or a symbolic name (e.g. <c>batch</c>) that
/// the runtime binds per call. Converts implicitly from <see cref="long"/> and <see cref="string"/>, so
/// <c>AddInput("ids", OnnxElementType.Int64, "batch", "seq")</c> reads naturally.
/// </summary>
public readonly record struct OnnxDimension
{
    private OnnxDimension(long? size, string? symbol)
    {
        Size = size;
        Symbol = symbol;
    }

    /// <summary>The fixed size, or null for a symbolic dimension.</summary>
    public long? Size { get; }

    /// <summary>The symbolic name, or null for a fixed dimension.</summary>
    public string? Symbol { get; }

    public static OnnxDimension Fixed(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        return new OnnxDimension(size, null);
    }

    public static OnnxDimension Symbolic(string symbol)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        return new OnnxDimension(null, symbol);
    }

    public static implicit operator OnnxDimension(long size) => Fixed(size);

    public static implicit operator OnnxDimension(string symbol) => Symbolic(symbol);

    public override string ToString() => Symbol ?? Size?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?";
}
