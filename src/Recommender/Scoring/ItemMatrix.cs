using System.Numerics.Tensors;

namespace StreamRec.Recommender.Scoring;

/// <summary>
/// The candidate items as one contiguous row-major float[Count * Dimension] of unit vectors (row j is
/// item j), plus their ids, so that scoring is one pass of SIMD dot products over contiguous memory.
/// <para>
/// Every row is stored normalised to unit length (computed in double, then rounded): the sensitivity of
/// a score &lt;s, e_i&gt; (<see cref="Privacy.ScoreSensitivity"/>) relies on ||e_i|| &lt;= 1, and normalising
/// here means no caller can break that by passing a vector that is not quite unit. A zero or non-finite
/// vector is refused. Rows keep their index for the matrix's lifetime; adding past the capacity grows
/// the storage (spans returned before then keep pointing at the old copy). Not thread-safe for writes.
/// </para>
/// </summary>
public sealed class ItemMatrix
{
    private readonly Dictionary<string, int> _rows = new(StringComparer.Ordinal);
    private readonly List<string> _ids;
    private float[] _values;

    public ItemMatrix(int dimension, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        Dimension = dimension;
        _values = new float[checked(dimension * capacity)];
        _ids = new List<string>(capacity);
    }

    public int Count => _ids.Count;

    public int Dimension { get; }

    /// <summary>Rows [0, Count), row-major: the whole matrix as the scoring kernels read it.</summary>
    public ReadOnlySpan<float> Values => _values.AsSpan(0, Count * Dimension);

    /// <summary>Adds the item, or replaces its vector if the id exists; returns its row.</summary>
    public int Add(string itemId, ReadOnlySpan<float> vector)
    {
        ArgumentNullException.ThrowIfNull(itemId);
        if (vector.Length != Dimension)
        {
            throw new ArgumentException($"The vector has {vector.Length} values; the matrix has dimension {Dimension}.", nameof(vector));
        }

        var norm = 0.0;
        foreach (var value in vector)
        {
            if (!float.IsFinite(value))
            {
                throw new ArgumentException($"Item '{itemId}': the vector holds a non-finite value.", nameof(vector));
            }

            norm += (double)value * value;
        }

        if (norm == 0)
        {
            throw new ArgumentException($"Item '{itemId}': a zero vector has no direction.", nameof(vector));
        }

        if (!_rows.TryGetValue(itemId, out var row))
        {
            row = _ids.Count;
            if ((row + 1) * Dimension > _values.Length)
            {
                Array.Resize(ref _values, checked(Math.Max(2 * _values.Length, (row + 1) * Dimension)));
            }

            _ids.Add(itemId);
            _rows.Add(itemId, row);
        }

        var scale = 1 / Math.Sqrt(norm);
        var destination = _values.AsSpan(row * Dimension, Dimension);
        for (var i = 0; i < Dimension; i++)
        {
            destination[i] = (float)(vector[i] * scale);
        }

        return row;
    }

    public string ItemId(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Count);
        return _ids[row];
    }

    public ReadOnlySpan<float> Row(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Count);
        return _values.AsSpan(row * Dimension, Dimension);
    }

    public bool TryGetRow(string itemId, out int row)
    {
        ArgumentNullException.ThrowIfNull(itemId);
        return _rows.TryGetValue(itemId, out row);
    }

    /// <summary>||row||, for checks: 1 within float rounding for every row.</summary>
    public float Norm(int row) => TensorPrimitives.Norm(Row(row));
}
