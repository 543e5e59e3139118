using System.Numerics.Tensors;

namespace StreamRec.DriftDetector.Explanation;

/// <summary>The sum of a category's item vectors; its direction is the category's centroid.</summary>
public sealed class CategoryCentroid(string category, int dimension)
{
    private readonly float[] _sum = new float[dimension];

    public string Category { get; } = category;

    public int Items { get; private set; }

    public ReadOnlySpan<float> Sum => _sum;

    internal void Add(ReadOnlySpan<float> vector)
    {
        if (vector.Length == _sum.Length)
        {
            TensorPrimitives.Add(_sum, vector, _sum);
            Items++;
        }
    }
}
