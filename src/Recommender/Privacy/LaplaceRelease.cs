namespace StreamRec.Recommender.Privacy;

/// <summary>
/// The Laplace mechanism y + Lap(Δ/ε) for releasing scores, in its exact discrete form: each value is
/// snapped to the grid (<see cref="ScoreGrid"/>) and gets independent discrete Laplace noise of t grid
/// units. The K values released together (the scores of the K selected items) have L1 sensitivity
/// K (Δ + g), i.e. K S units with S = ceil(Δ/g) + 1, so t = ceil(K S/ε). Proof: for integer vectors f, f'
/// with ||f - f'||_1 &lt;= K S, P(f + Z = y)/P(f' + Z = y) = prod over i of exp((|y_i - f'_i| - |y_i - f_i|)/t)
/// &lt;= exp(||f - f'||_1/t) &lt;= exp(ε). Which items are released is an earlier output (the selection), so
/// by adaptive composition selection and scores cost ε_select + ε_scores, charged separately.
/// <para>Outputs are k*g: exact doubles on the grid (their last bits carry no information beyond k).
/// Stateless and thread-safe.</para>
/// </summary>
public sealed class LaplaceRelease
{
    public const string MechanismName = "discrete-laplace";

    /// <summary>t = ceil(count S/ε) grid units, S = <see cref="ScoreGrid.SensitivityUnits"/>(Δ).</summary>
    public static long NoiseScaleUnits(int count, double epsilon, double sensitivity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (!(double.IsFinite(epsilon) && epsilon > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Epsilon must be positive and finite.");
        }

        double numerator = count * (double)ScoreGrid.SensitivityUnits(sensitivity);
        var scale = Math.Max(1, Math.Ceiling(numerator / epsilon));
        // As in PrivateTopK: never let rounding of the quotient make the true epsilon exceed the charged one.
        while (numerator / scale > epsilon)
        {
            scale++;
        }

        if (scale > DiscreteLaplace.MaxScale)
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Epsilon is too small for the sampler (noise scale above 2^40 grid units).");
        }

        return (long)scale;
    }

    /// <summary>
    /// Each value snapped to the grid + discrete Laplace noise; the K values together have L1 sensitivity
    /// K*Δ (K (Δ + g) after snapping), so scale = K*Δ/ε rounded UP to whole grid units; outputs lie on the grid.
    /// </summary>
    public double[] Release(ReadOnlySpan<float> values, double epsilon, double sensitivity, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (values.IsEmpty)
        {
            return [];
        }

        var scale = (ulong)NoiseScaleUnits(values.Length, epsilon, sensitivity);
        var unit = ScoreGrid.Unit(sensitivity);
        var snapped = new long[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            snapped[i] = ScoreGrid.Snap(values[i], unit); // all validated before any noise is drawn
        }

        var bits = new RandomBits(random);
        var released = new double[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            released[i] = checked(snapped[i] + DiscreteLaplace.Sample(ref bits, scale)) * unit;
        }

        return released;
    }
}
