namespace StreamRec.Recommender.Privacy;

/// <summary>
/// The power-of-two grid scores are snapped to before noise is added, and what snapping costs in
/// sensitivity (docs/privacy.md, "The grid").
/// <list type="bullet">
/// <item>Unit g = the largest power of two not above Δ/2^10 (2^-11 for Δ = 0.6). A power of two, so that
/// score/g and k*g are exact in binary floating point: snapping is the one rounding in the whole path,
/// and every released value k*g is exactly representable.</item>
/// <item>Snapping moves a value by at most g/2, so two scores within Δ of each other snap to values within
/// Δ + g; since both are multiples of g, their difference is at most
/// <see cref="SensitivityUnits"/> = ceil(Δ/g) + 1 units. The mechanisms calibrate their noise to that
/// (Δ + g rounded up to whole units), never to Δ.</item>
/// <item>The same "+1 unit" also absorbs float32 rounding in the computed scores: if the computed scores of
/// neighbours differ by Δ + η with η &lt; g, the snapped ones still differ by at most floor((Δ + η)/g) + 1
/// &lt;= ceil(Δ/g) + 1 units. At D = 64, η is about 1.3e-5 (<see cref="ScoreSensitivity.Float32RoundingBound"/>)
/// against g = 4.9e-4; this is why the grid is Δ/2^10 and not finer (Google's library uses 2^-40 of
/// the noise scale, which is far below float32 rounding of a dot product).</item>
/// </list>
/// The cost: at most 2 units in about 1,024 to 2,048, i.e. the noise is at most 0.2 % larger than with Δ alone.
/// </summary>
public static class ScoreGrid
{
    /// <summary>g is the largest power of two not above Δ / 2^RelativeBits.</summary>
    public const int RelativeBits = 10;

    /// <summary>Scores beyond this many units are refused (they cannot come from unit vectors and an EWMA of weights &lt;= 1).</summary>
    public const long MaxUnits = 1L << 40;

    /// <summary>The grid unit g for sensitivity Δ.</summary>
    public static double Unit(double sensitivity)
    {
        ThrowIfInvalidSensitivity(sensitivity);
        // Δ / 2^10 is exact (a power-of-two scaling), and ILogB of a normal double is floor(log2).
        return Math.ScaleB(1.0, Math.ILogB(Math.ScaleB(sensitivity, -RelativeBits)));
    }

    /// <summary>ceil(Δ/g) + 1: the sensitivity of snapped scores, in grid units (Δ + g, rounded up).</summary>
    public static long SensitivityUnits(double sensitivity) => (long)Math.Ceiling(sensitivity / Unit(sensitivity)) + 1;

    /// <summary>The value rounded to the nearest multiple of <paramref name="unit"/> (ties to even), in units.</summary>
    public static long Snap(double value, double unit)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A score must be finite.");
        }

        // value / unit is exact: unit is a power of two (and the quotient stays far from the subnormal range).
        var units = Math.Round(value / unit, MidpointRounding.ToEven);
        if (Math.Abs(units) > MaxUnits)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "The score is out of the range its sensitivity implies (more than 2^40 grid units).");
        }

        return (long)units;
    }

    internal static void ThrowIfInvalidSensitivity(double sensitivity)
    {
        if (!double.IsFinite(sensitivity) || sensitivity < 1e-12)
        {
            throw new ArgumentOutOfRangeException(nameof(sensitivity), sensitivity, "The sensitivity must be a finite number of at least 1e-12.");
        }
    }
}
