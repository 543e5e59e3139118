namespace StreamRec.DriftDetector.Evaluation;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood 2014), as the encoder's training uses: a sequence fixed by its seed
/// on every platform and runtime version, so a seed names one evaluation for good, which System.Random
/// does not promise.
/// </summary>
internal sealed class EvaluationRandom(ulong seed)
{
    private ulong _state = seed;

    /// <summary>A generator for stream <paramref name="index"/> of a run seeded with <paramref name="seed"/>: streams do not depend on each other's draws.</summary>
    public static EvaluationRandom For(ulong seed, ulong purpose, long index) =>
        new(new EvaluationRandom(seed ^ (purpose * 0xD1B54A32D192ED03UL)).NextUInt64() + ((ulong)index * 0x9E3779B97F4A7C15UL));

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, <paramref name="bound"/>).</summary>
    public int NextInt(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bound, 1);
        return (int)(((NextUInt64() >> 32) * (ulong)(uint)bound) >> 32);
    }

    /// <summary>Uniform in [<paramref name="low"/>, <paramref name="high"/>], both included.</summary>
    public int NextInt(int low, int high) => low + NextInt(high - low + 1);

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Fisher-Yates shuffle in place.</summary>
    public void Shuffle<T>(IList<T> list)
    {
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }
}
