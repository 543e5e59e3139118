using StreamRec.Contracts;

namespace StreamRec.Recommender.Privacy;

/// <summary>
/// A deterministic source (<see cref="SplitMix64"/>) whose words are fixed by the seed.
/// <para>
/// FOR TESTS AND BENCHMARKS THAT ARE NOT ABOUT THE RANDOMNESS ONLY: a release drawn from it has NO
/// privacy, because anyone who learns or guesses the seed (64 bits, or a few outputs) can reproduce the
/// noise and subtract it. Releases use <see cref="CryptoRandomSource"/>.
/// </para>
/// </summary>
public sealed class SeededRandomSource(ulong seed) : IRandomSource
{
    private SplitMix64 _random = new(seed);

    public ulong NextUInt64() => _random.NextUInt64();
}
