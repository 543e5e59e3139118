namespace StreamRec.Recommender.Privacy;

/// <summary>
/// A deterministic source (SplitMix64, Steele, Lea and Flood 2014) whose words are fixed by the seed.
/// <para>
/// FOR TESTS AND BENCHMARKS THAT ARE NOT ABOUT THE RANDOMNESS ONLY: a release drawn from it has NO
/// privacy, because anyone who learns or guesses the seed (64 bits, or a few outputs) can reproduce the
/// noise and subtract it. Releases use <see cref="CryptoRandomSource"/>.
/// </para>
/// </summary>
public sealed class SeededRandomSource(ulong seed) : IRandomSource
{
    private ulong _state = seed;

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
