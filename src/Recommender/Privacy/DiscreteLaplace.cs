namespace StreamRec.Recommender.Privacy;

/// <summary>
/// The discrete Laplace (two-sided geometric) distribution on the integers, P(k) = (1 - q)/(1 + q) q^|k|
/// with q = exp(-1/scale), sampled exactly with integer arithmetic only (Canonne, Kamath and Steinke
/// 2020, Algorithm 2, with s = 1 and t = scale):
/// <list type="number">
/// <item>X ~ Geometric: P(X = x) = (1 - q) q^x for x &gt;= 0, drawn as X = U + scale * V with U uniform on
/// {0, ..., scale - 1} accepted with probability exp(-U/scale), and V the number of successes of
/// Bernoulli(exp(-1)) before the first failure (both trials exact: <see cref="ExactBernoulli"/>). Then P(U = u, V = v) is proportional to
/// exp(-u/scale) exp(-v) = exp(-(u + scale v)/scale): exactly geometric.</item>
/// <item>a sign bit B; (B = 1, X = 0) is rejected (zero would otherwise be counted twice); return (1 - 2B) X.</item>
/// </list>
/// Why not a continuous Laplace: the textbook -b sign(u) ln(1 - 2|u|) on a double u has gaps and uneven
/// spacing in its outputs, so an observed noisy value can reveal which input produced it (Mironov 2012,
/// "On Significance of the Least Significant Bits For Differential Privacy"). Here the noise is an
/// integer number of grid units (<see cref="ScoreGrid"/>) and every probability is exact.
/// </summary>
public static class DiscreteLaplace
{
    /// <summary>The largest scale: keeps U + scale * V far from 64-bit overflow (checked regardless).</summary>
    public const long MaxScale = 1L << 40;

    /// <summary>A sample k with P(k) proportional to exp(-|k|/scale), scale an integer in [1, <see cref="MaxScale"/>].</summary>
    public static long Sample(IRandomSource random, long scale)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(scale, MaxScale);
        var bits = new RandomBits(random);
        return Sample(ref bits, (ulong)scale);
    }

    /// <summary>The variance 2q/(1 - q)^2, q = exp(-1/scale) (for documentation and tests; not used to sample).</summary>
    public static double Variance(long scale)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        var q = Math.Exp(-1.0 / scale);
        return 2 * q / ((1 - q) * (1 - q));
    }

    internal static long Sample(ref RandomBits bits, ulong scale)
    {
        while (true)
        {
            var magnitude = Geometric(ref bits, scale);
            var negative = bits.NextBit();
            if (negative && magnitude == 0)
            {
                continue;
            }

            return negative ? -(long)magnitude : (long)magnitude;
        }
    }

    /// <summary>X with P(X = x) = (1 - q) q^x, x &gt;= 0, q = exp(-1/scale).</summary>
    internal static ulong Geometric(ref RandomBits bits, ulong scale)
    {
        ulong u;
        do
        {
            u = bits.UniformBelow(scale);
        }
        while (!ExactBernoulli.ExpMinusFraction(ref bits, u, scale));

        ulong v = 0;
        while (ExpMinusExpansion.Bernoulli(ref bits, 1))
        {
            v++;
        }

        return checked(u + (scale * v));
    }

    /// <summary>
    /// Decides whether a fresh sample Z is &gt;= <paramref name="threshold"/> (&gt;= 1), and draws Z itself only
    /// when it is. It uses the other exact representation of the distribution: Z = G1 - G2 with G1, G2 iid
    /// geometric, P(g) = (1 - q) q^g (indeed sum over g of P(G2 = g) P(G1 = g + z) = (1 - q)/(1 + q) q^|z|).
    /// Z &gt;= T requires G1 &gt;= T, which has probability q^T = exp(-T/scale), an exact Bernoulli; when it
    /// fails, Z &lt; T whatever G2 is, and nothing else is drawn. When it holds, G1 - T is geometric again
    /// (memorylessness) and independent of G2, so Z = T + G1' - G2 is drawn in full. Hence (whether Z &gt;= T,
    /// and Z when it is) has exactly its law under full sampling. The private top-K needs only that much of
    /// most candidates' noise: one exact trial (about 16 random bits) instead of a full sample.
    /// </summary>
    internal static bool TrySampleAtLeast(ref RandomBits bits, ulong scale, ulong threshold, out long value)
    {
        if (!ExactBernoulli.ExpMinus(ref bits, threshold, scale))
        {
            value = 0;
            return false;
        }

        value = checked((long)threshold + (long)Geometric(ref bits, scale) - (long)Geometric(ref bits, scale));
        return value >= (long)threshold;
    }
}
