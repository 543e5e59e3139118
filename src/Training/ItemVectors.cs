namespace StreamRec.Training;

/// <summary>One vector per catalog item, row-major (item i is values[i*D .. (i+1)*D)).</summary>
public sealed class ItemVectors
{
    private readonly float[] _values;

    public ItemVectors(float[] values, int dimension)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if (values.Length % dimension != 0)
        {
            throw new ArgumentException($"{values.Length} values are not a whole number of {dimension}-dimensional vectors.", nameof(values));
        }

        _values = values;
        Dimension = dimension;
    }

    public int Dimension { get; }

    public int Count => _values.Length / Dimension;

    public ReadOnlySpan<float> this[int item] => _values.AsSpan(item * Dimension, Dimension);

    public float Dot(int item, ReadOnlySpan<float> vector) => VectorMath.Dot(this[item], vector);
}
