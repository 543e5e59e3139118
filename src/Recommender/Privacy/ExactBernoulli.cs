namespace StreamRec.Recommender.Privacy;

/// <summary>
/// Bernoulli(exp(-n/d)) for integers n &gt;= 0, d &gt;= 1, sampled exactly, with no floating point. It is
/// the building block of <see cref="DiscreteLaplace"/>: exp(-x) is irrational, and computing it in
/// floating point and comparing with a uniform double would give a probability that is only close to
/// the intended one, in a way that depends on the value (Mironov 2012).
/// <para>
/// exp(-n/d) = exp(-w) exp(-f/d) with w = floor(n/d) and f = n mod d: a conjunction of two exact trials,
/// stopping at the first failure.
/// <list type="bullet">
/// <item>exp(-w), w whole: a uniform real is compared with the exact binary expansion of exp(-w), digit
/// chunk by digit chunk (<see cref="ExpMinusExpansion"/>; BigInteger, a tie moves on to further digits).</item>
/// <item>exp(-gamma), gamma = f/d in [0, 1): Canonne, Kamath and Steinke 2020, "The Discrete Gaussian for
/// Differential Privacy", Algorithm 1: draw A_1, A_2, ... with A_k ~ Bernoulli(gamma/k) until the first
/// A_K = 0 and answer "K is odd"; P(K = k) = gamma^(k-1)/(k-1)! - gamma^k/k!, so P(K odd) = sum over m of
/// (-gamma)^m/m! = exp(-gamma). Each A_k is Bernoulli(f/d) AND Bernoulli(1/k), two exact rational trials,
/// so no product d*k can overflow. About e trials.</item>
/// </list>
/// </para>
/// </summary>
public static class ExactBernoulli
{
    /// <summary>The largest denominator: the rational trials compare 2 * remainder with it in 64 bits.</summary>
    public const long MaxDenominator = 1L << 62;

    /// <summary>True with probability exactly exp(-numerator/denominator).</summary>
    public static bool ExpMinus(IRandomSource random, long numerator, long denominator)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegative(numerator);
        ArgumentOutOfRangeException.ThrowIfLessThan(denominator, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(denominator, MaxDenominator);
        var bits = new RandomBits(random);
        return ExpMinus(ref bits, (ulong)numerator, (ulong)denominator);
    }

    internal static bool ExpMinus(ref RandomBits bits, ulong numerator, ulong denominator)
    {
        if (numerator < denominator)
        {
            return ExpMinusFraction(ref bits, numerator, denominator);
        }

        var (whole, fraction) = Math.DivRem(numerator, denominator);
        return ExpMinusExpansion.Bernoulli(ref bits, whole) && ExpMinusFraction(ref bits, fraction, denominator);
    }

    /// <summary>Bernoulli(exp(-n/d)) for 0 &lt;= n &lt; d (gamma below 1): CKS Algorithm 1.</summary>
    internal static bool ExpMinusFraction(ref RandomBits bits, ulong numerator, ulong denominator)
    {
        if (numerator == 0)
        {
            return true;
        }

        // A_k = Bernoulli(n/d) AND Bernoulli(1/k); for k = 1 the second trial is certain.
        ulong k = 1;
        while (bits.Bernoulli(numerator, denominator) && (k == 1 || bits.Bernoulli(1, k)))
        {
            k++;
        }

        return (k & 1) == 1;
    }
}
