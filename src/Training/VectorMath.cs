using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StreamRec.Training;

/// <summary>
/// The float kernels of training and evaluation. Two choices, both measured:
/// <list type="bullet">
/// <item>Fixed-width vectors (Vector256, emulated where the CPU lacks it) and a fixed summation order,
/// so a result is the same on every machine, which is part of "same seed, same model"; Vector{T}
/// would sum in a width that depends on the CPU.</item>
/// <item>Loads through a reference (<c>LoadUnsafe</c>) after one length check per call, instead of
/// slicing spans: three times faster in a Debug build (where the JIT inlines nothing and a slice is a
/// call), which is what keeps the integration test on the real data set within a minute there, and
/// still 1.6 times faster in Release.</item>
/// </list>
/// </summary>
internal static class VectorMath
{
    private static readonly int Width = Vector256<float>.Count;

    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        var n = SameLength(x.Length, y.Length);
        ref var rx = ref MemoryMarshal.GetReference(x);
        ref var ry = ref MemoryMarshal.GetReference(y);
        var sum = Vector256<float>.Zero;
        var i = 0;
        for (; i <= n - Width; i += Width)
        {
            sum += Vector256.LoadUnsafe(ref rx, (nuint)i) * Vector256.LoadUnsafe(ref ry, (nuint)i);
        }

        var total = sum.GetElement(0) + sum.GetElement(1) + sum.GetElement(2) + sum.GetElement(3) +
            sum.GetElement(4) + sum.GetElement(5) + sum.GetElement(6) + sum.GetElement(7);
        for (; i < n; i++)
        {
            total += x[i] * y[i];
        }

        return total;
    }

    /// <summary>y += a * x.</summary>
    public static void AddScaled(Span<float> y, float a, ReadOnlySpan<float> x)
    {
        var n = SameLength(y.Length, x.Length);
        ref var ry = ref MemoryMarshal.GetReference(y);
        ref var rx = ref MemoryMarshal.GetReference(x);
        var scale = Vector256.Create(a);
        var i = 0;
        for (; i <= n - Width; i += Width)
        {
            (Vector256.LoadUnsafe(ref ry, (nuint)i) + (scale * Vector256.LoadUnsafe(ref rx, (nuint)i))).StoreUnsafe(ref ry, (nuint)i);
        }

        for (; i < n; i++)
        {
            y[i] += a * x[i];
        }
    }

    /// <summary>
    /// The two updates of one skip-gram target in one pass: gradient += step * output, then
    /// output += step * hidden (the gradient takes the output vector from before its update).
    /// </summary>
    public static void CrossUpdate(Span<float> gradient, Span<float> output, ReadOnlySpan<float> hidden, float step)
    {
        var n = SameLength(SameLength(gradient.Length, output.Length), hidden.Length);
        ref var rg = ref MemoryMarshal.GetReference(gradient);
        ref var ro = ref MemoryMarshal.GetReference(output);
        ref var rh = ref MemoryMarshal.GetReference(hidden);
        var scale = Vector256.Create(step);
        var i = 0;
        for (; i <= n - Width; i += Width)
        {
            var o = Vector256.LoadUnsafe(ref ro, (nuint)i);
            (Vector256.LoadUnsafe(ref rg, (nuint)i) + (scale * o)).StoreUnsafe(ref rg, (nuint)i);
            (o + (scale * Vector256.LoadUnsafe(ref rh, (nuint)i))).StoreUnsafe(ref ro, (nuint)i);
        }

        for (; i < n; i++)
        {
            var o = output[i];
            gradient[i] += step * o;
            output[i] = o + (step * hidden[i]);
        }
    }

    /// <summary>x /= divisor (a division, as the ONNX graph does, not a multiplication by the inverse).</summary>
    public static void Divide(Span<float> x, float divisor)
    {
        ref var rx = ref MemoryMarshal.GetReference(x);
        var by = Vector256.Create(divisor);
        var i = 0;
        for (; i <= x.Length - Width; i += Width)
        {
            (Vector256.LoadUnsafe(ref rx, (nuint)i) / by).StoreUnsafe(ref rx, (nuint)i);
        }

        for (; i < x.Length; i++)
        {
            x[i] /= divisor;
        }
    }

    /// <summary>Scales <paramref name="x"/> to unit length; the zero vector stays zero.</summary>
    public static void Normalize(Span<float> x)
    {
        var norm = MathF.Sqrt(Dot(x, x));
        if (norm > 0)
        {
            Divide(x, norm);
        }
    }

    // The one check that makes the unchecked loads above safe.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SameLength(int a, int b) =>
        a == b ? a : throw new ArgumentException($"Vectors of different lengths ({a} and {b}).");
}
