using StreamRec.Contracts;

namespace StreamRec.Evaluation;

/// <summary>
/// The evaluation's random numbers: <see cref="SplitMix64"/>, as the encoder's training uses, so a seed
/// names one evaluation for good (System.Random does not promise that), with independent streams per
/// purpose and index, ranges and shuffles.
/// </summary>
internal sealed class EvaluationRandom(ulong seed)
{
    private SplitMix64 _random = new(seed);

    /// <summary>A generator for stream <paramref name="index"/> of a run seeded with <paramref name="seed"/>: streams do not depend on each other's draws.</summary>
    public static EvaluationRandom For(ulong seed, ulong purpose, long index) =>
        new(new SplitMix64(seed ^ (purpose * 0xD1B54A32D192ED03UL)).NextUInt64() + ((ulong)index * SplitMix64.Increment));

    public ulong NextUInt64() => _random.NextUInt64();

    /// <summary>Uniform in [0, <paramref name="bound"/>).</summary>
    public int NextInt(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bound, 1);
        return _random.NextInt(bound);
    }

    /// <summary>Uniform in [<paramref name="low"/>, <paramref name="high"/>], both included.</summary>
    public int NextInt(int low, int high) => low + NextInt(high - low + 1);

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => _random.NextDouble();

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
