namespace StreamRec.Contracts;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood 2014): a tiny, fast generator whose sequence is fixed by its seed on
/// every platform and runtime version, unlike anything System.Random may become. So a seed names one
/// training run, one evaluation or one test release for good. A mutable struct: training draws millions
/// of numbers from one held in a field.
/// <para>
/// The only copy. It lives in Contracts because that is the one project all its users already reference
/// (Training's skip-gram sampler, Evaluation's streams, the Recommender's SeededRandomSource) and Contracts
/// depends on nothing, so no user gains an edge it did not have; a project of its own for one struct
/// would add a node every other project points at. It is NOT a source of privacy noise: releases draw
/// from the Recommender's CryptoRandomSource.
/// </para>
/// </summary>
public struct SplitMix64(ulong seed)
{
    /// <summary>The golden-ratio increment of the state (also a handy odd constant for spreading ids).</summary>
    public const ulong Increment = 0x9E3779B97F4A7C15UL;

    private ulong _state = seed;

    public ulong NextUInt64()
    {
        var z = _state += Increment;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, <paramref name="bound"/>) (Lemire's multiply-shift; its bias is below 2^-32 here).</summary>
    public int NextInt(int bound) => (int)(((NextUInt64() >> 32) * (ulong)(uint)bound) >> 32);

    /// <summary>Uniform in [0, 1) with 24 random bits.</summary>
    public float NextFloat() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}
