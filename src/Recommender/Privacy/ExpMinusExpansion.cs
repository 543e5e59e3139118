using System.Numerics;

namespace StreamRec.Recommender.Privacy;

/// <summary>
/// Bernoulli(exp(-n)) for whole n by comparing a uniform real U with the exact binary expansion of
/// exp(-n): U's digits are fresh random bits, exp(-n)'s are computed with BigInteger interval arithmetic
/// (no floating point), and U &lt; exp(-n) is decided at the first 16-bit chunk where they differ. The
/// first 64 bits of each expansion are computed once; a tie on all of them (probability 2^-64 per trial)
/// moves on to later words, computed on demand, so the result is exact, not exact-up-to-2^-64. exp(-n)
/// is irrational, so the digits never all agree and the comparison always ends. About 16 random bits per
/// trial: far cheaper than the CKS chain of Bernoulli(exp(-1)) trials for the far-from-winning candidates
/// of the private top-K, which are almost all of them.
/// </summary>
internal static class ExpMinusExpansion
{
    /// <summary>exp(-n) for n above this is a product of factors exp(-MaxWhole).</summary>
    public const int MaxWhole = 32;

    private const int ChunkBits = 16;

    private static readonly ulong[] FirstWords = [.. Enumerable.Range(0, MaxWhole + 1).Select(n => n == 0 ? ulong.MaxValue : Word(n, 0))];

    /// <summary>True with probability exactly exp(-whole), whole &gt;= 0.</summary>
    public static bool Bernoulli(ref RandomBits bits, ulong whole)
    {
        while (whole > MaxWhole)
        {
            if (!Trial(ref bits, MaxWhole))
            {
                return false;
            }

            whole -= MaxWhole;
        }

        return whole == 0 || Trial(ref bits, (int)whole);
    }

    /// <summary>
    /// The j-th 64-bit word (j = 0: bits 1 to 64 after the binary point) of exp(-n)'s expansion:
    /// floor(exp(-n) 2^(64 (j + 1))) mod 2^64.
    /// </summary>
    internal static ulong Word(int n, int j) => (ulong)(FloorScaled(n, 64 * (j + 1)) & ulong.MaxValue);

    /// <summary>
    /// floor(exp(-n) 2^m), exactly. exp(-1) lies strictly between consecutive partial sums of
    /// sum (-1)^k/k! (an alternating series with decreasing terms), which gives integers a &lt; exp(-1) 2^P &lt; b;
    /// then a^n &lt; exp(-n) 2^(P n) &lt; b^n exactly, and when a^n and b^n agree after dropping P n - m bits the
    /// floor is known. Otherwise the precision P grows until they do (it must: exp(-n) 2^m is never an integer).
    /// </summary>
    internal static BigInteger FloorScaled(int n, int m)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        for (var precision = m + 64; ; precision += 64)
        {
            var (a, b) = ExpMinusOneBounds(precision);
            var shift = (precision * n) - m;
            var low = BigInteger.Pow(a, n) >> shift;
            var high = BigInteger.Pow(b, n) >> shift;
            if (low == high)
            {
                return low;
            }
        }
    }

    private static bool Trial(ref RandomBits bits, int n)
    {
        var word = FirstWords[n];
        for (var j = 0; ; j++)
        {
            for (var shift = 64 - ChunkBits; shift >= 0; shift -= ChunkBits)
            {
                var digits = (word >> shift) & ((1UL << ChunkBits) - 1);
                var random = bits.NextBits(ChunkBits);
                if (random != digits)
                {
                    return random < digits;
                }
            }

            word = Word(n, j + 1);
        }
    }

    /// <summary>Integers a, b with a &lt; exp(-1) 2^P &lt; b.</summary>
    private static (BigInteger Low, BigInteger High) ExpMinusOneBounds(int precision)
    {
        // Enough terms that the last one, 1/(K+1)!, is below 2^-P: then b - a is a few units.
        var terms = 1;
        var factorial = BigInteger.One;
        while (factorial <= BigInteger.One << (precision + 2))
        {
            terms++;
            factorial *= terms;
        }

        // S_K = N / K! with N = sum over k <= K of (-1)^k K!/k!; exp(-1) lies strictly between S_K and S_(K+1).
        var numerator = BigInteger.Zero;
        var term = factorial; // K!/k! for k = 0
        for (var k = 0; k <= terms; k++)
        {
            numerator += k % 2 == 0 ? term : -term;
            if (k < terms)
            {
                term /= k + 1; // K!/(k+1)!: exact, K!/k! is divisible by k + 1
            }
        }

        // S_K and S_(K+1) = S_K + (-1)^(K+1)/(K+1)!: scaled by 2^P, floored and ceiled.
        var scaled = numerator << precision;
        var sk = BigInteger.DivRem(scaled, factorial, out _);
        var next = numerator * (terms + 1) + ((terms + 1) % 2 == 0 ? 1 : -1);
        var sk1 = BigInteger.DivRem(next << precision, factorial * (terms + 1), out _);
        var low = BigInteger.Min(sk, sk1) - 1;
        var high = BigInteger.Max(sk, sk1) + 1;
        return (low, high);
    }
}
