using System.Numerics;

namespace StreamRec.Recommender.Privacy;

/// <summary>
/// Random bits taken one or a few at a time from an <see cref="IRandomSource"/>'s 64-bit words, with the
/// two exact primitives every sampler here is built from: a uniform integer below n and a Bernoulli
/// trial of a rational probability. Only integer arithmetic: no value ever passes through floating point,
/// so the distributions are exactly the stated ones (given uniform words), not approximations of them.
/// A mutable struct, passed by reference, because the private top-K draws tens of millions of bits per
/// query and a bit costs a shift, not a call.
/// </summary>
internal struct RandomBits(IRandomSource source)
{
    private readonly IRandomSource _source = source;
    private ulong _word;
    private int _left;

    public bool NextBit()
    {
        if (_left == 0)
        {
            _word = _source.NextUInt64();
            _left = 64;
        }

        var bit = (_word & 1) != 0;
        _word >>= 1;
        _left--;
        return bit;
    }

    /// <summary>A uniform integer of <paramref name="count"/> bits, 1 &lt;= count &lt;= 63.</summary>
    public ulong NextBits(int count)
    {
        if (count > _left)
        {
            // The few bits left over are dropped rather than stitched to the next word: simpler, and
            // every bit used is still an independent uniform one.
            _word = _source.NextUInt64();
            _left = 64;
        }

        var value = _word & ((1UL << count) - 1);
        _word >>= count;
        _left -= count;
        return value;
    }

    /// <summary>
    /// Uniform on {0, ..., n - 1}, n &gt;= 1: draw as many bits as n - 1 has and reject values &gt;= n.
    /// Every accepted value has the same probability, so the result is exactly uniform; fewer than two
    /// draws are needed on average.
    /// </summary>
    public ulong UniformBelow(ulong n)
    {
        if (n <= 1)
        {
            return 0;
        }

        var bits = 64 - BitOperations.LeadingZeroCount(n - 1);
        while (true)
        {
            var value = NextBits(bits);
            if (value < n)
            {
                return value;
            }
        }
    }

    /// <summary>
    /// True with probability exactly numerator/denominator (0 &lt;= numerator, 1 &lt;= denominator &lt;= 2^62).
    /// A uniform real U in [0, 1) is compared with p = numerator/denominator one binary digit at a time,
    /// U's digits being fresh random bits and p's coming from exact long division: at the first digit
    /// where they differ, U &lt; p exactly when U's digit is 0. Two bits are used on average, whatever p.
    /// </summary>
    public bool Bernoulli(ulong numerator, ulong denominator)
    {
        if (numerator >= denominator)
        {
            return true;
        }

        if (numerator == 0)
        {
            return false;
        }

        var remainder = numerator;
        while (true)
        {
            remainder <<= 1; // < 2^63: remainder < denominator <= 2^62
            var digit = remainder >= denominator;
            if (digit)
            {
                remainder -= denominator;
            }

            if (NextBit() != digit)
            {
                return digit;
            }
        }
    }
}
