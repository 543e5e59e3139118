namespace StreamRec.Recommender.Privacy;

/// <summary>
/// A source of independent, uniformly distributed 64-bit words: the only randomness the privacy
/// mechanisms consume. Every sampler turns these words into exact distributions with integer arithmetic
/// (<see cref="DiscreteLaplace"/>, <see cref="ExactBernoulli"/>), so a mechanism's guarantee is exactly
/// as good as this source. Releases must use <see cref="CryptoRandomSource"/>; the interface exists so
/// that tests about the mechanisms' logic (not about randomness) can be reproducible.
/// </summary>
public interface IRandomSource
{
    /// <summary>A uniform 64-bit word, independent of every other.</summary>
    ulong NextUInt64();
}
