using System.Collections.Concurrent;
using System.Numerics;
using StreamRec.Recommender.Privacy;

namespace StreamRec.UnitTests.Recommender;

public sealed class RandomSourceTests
{
    [Fact]
    public void A_seeded_source_repeats_its_sequence_and_seeds_differ()
    {
        var a = new SeededRandomSource(42);
        var b = new SeededRandomSource(42);
        var c = new SeededRandomSource(43);
        var first = Enumerable.Range(0, 100).Select(_ => a.NextUInt64()).ToArray();
        Assert.Equal(first, Enumerable.Range(0, 100).Select(_ => b.NextUInt64()));
        Assert.NotEqual(first, Enumerable.Range(0, 100).Select(_ => c.NextUInt64()));
    }

    /// <summary>
    /// Threads sharing the one instance never see the same word: the buffer is per thread. A repeat among
    /// 160,000 uniform 64-bit words has probability below 1e-9 (birthday bound n^2/2^65), so a repeat means
    /// a shared buffer, not chance. Half the bits set, within 6 standard deviations (false failure ~2e-9).
    /// </summary>
    [Fact]
    public void The_crypto_source_is_safe_to_share_between_threads()
    {
        var words = new ConcurrentBag<ulong>();
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                words.Add(CryptoRandomSource.Shared.NextUInt64());
            }
        });

        Assert.Equal(160_000, words.Distinct().Count());
        var ones = words.Sum(w => (long)BitOperations.PopCount(w));
        var bits = 64.0 * words.Count;
        Assert.InRange(ones, (bits / 2) - (6 * Math.Sqrt(bits / 4)), (bits / 2) + (6 * Math.Sqrt(bits / 4)));
    }
}
