using System.Numerics.Tensors;
using StreamRec.DriftDetector.Detection;

namespace StreamRec.Evaluation;

/// <summary>
/// The short- and long-horizon EWMA interest vectors s and l of <see cref="InterestDriftDetector"/>,
/// updated with the same float operations in the same order, so the baselines see the very s and d
/// that StreamRec's detector sees (a unit test checks d step by step).
/// </summary>
internal sealed class InterestVectors(int dimension, float shortRate, float longRate)
{
    public float[] Short { get; } = new float[dimension];

    public float[] Long { get; } = new float[dimension];

    /// <summary>s before the last <see cref="Apply"/>.</summary>
    public float[] PreviousShort { get; } = new float[dimension];

    public void Apply(ReadOnlySpan<float> embedding, float weight)
    {
        if (embedding.Length != Short.Length)
        {
            throw new ArgumentException($"The embedding has {embedding.Length} values; the detector has {Short.Length}.", nameof(embedding));
        }

        Short.CopyTo(PreviousShort, 0);
        Blend(Short, embedding, shortRate * weight, 1 - shortRate);
        Blend(Long, embedding, longRate * weight, 1 - longRate);
    }

    /// <summary>
    /// cos(e, l) for an event not yet applied: how close it is to the long-horizon interest it is about
    /// to join (call before <see cref="Apply"/>, so that l is l_{t-1}); 0 while l is zero.
    /// </summary>
    public double LongSimilarity(ReadOnlySpan<float> embedding)
    {
        var normProduct = (double)TensorPrimitives.Norm(embedding) * TensorPrimitives.Norm<float>(Long);
        return normProduct <= 0 ? 0 : TensorPrimitives.Dot(embedding, Long) / normProduct;
    }

    /// <summary>d = 1 - cos(s, l), exactly as the detector computes it.</summary>
    public double Drift() => InterestDriftDetector.Drift(Short, Long);

    /// <summary>||s_t - s_{t-1}||.</summary>
    public double ShortChange() => TensorPrimitives.Distance<float>(Short, PreviousShort);

    /// <summary>l &lt;- s: the detector's adoption of the new interest after an alarm.</summary>
    public void AdoptShort() => Short.CopyTo(Long, 0);

    public void Clear()
    {
        Array.Clear(Short);
        Array.Clear(Long);
        Array.Clear(PreviousShort);
    }

    private static void Blend(Span<float> vector, ReadOnlySpan<float> embedding, float add, float keep)
    {
        // Identical to InterestDriftDetector.Blend: vector = keep * vector + add * embedding, in place.
        TensorPrimitives.Multiply(vector, keep, vector);
        TensorPrimitives.MultiplyAdd(embedding, add, vector, vector);
    }
}
