namespace StreamRec.Evaluation;

/// <summary>The catalog's item embeddings, row-major: item i's unit vector is row i (D floats).</summary>
public sealed class ItemEmbeddings
{
    private readonly float[] _values;

    public ItemEmbeddings(float[] values, int dimension)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if (values.Length % dimension != 0)
        {
            throw new ArgumentException($"{values.Length} values are not a whole number of rows of {dimension}.", nameof(values));
        }

        _values = values;
        Dimension = dimension;
    }

    public int Dimension { get; }

    public int Count => _values.Length / Dimension;

    public ReadOnlySpan<float> this[int item] => _values.AsSpan(item * Dimension, Dimension);
}
