using StreamRec.Recommender.Privacy;

namespace StreamRec.UnitTests.Recommender;

/// <summary>The exact binary expansions behind Bernoulli(exp(-n)); deterministic (no randomness is tested here).</summary>
public sealed class ExpMinusExpansionTests
{
    [Theory]
    // Independent values: floor(exp(-n) 2^64) and the next 64 bits, from Python's decimal module at 200 digits.
    [InlineData(1, 0x5e2d58d8b3bcdf1aUL, 0xbadec7829054f90dUL)]
    [InlineData(2, 0x22a555477f03973fUL, 0xb6edd5c25a052ae3UL)]
    [InlineData(32, 0x3908cUL, 0x9eec2c8d03c53340UL)]
    public void Expansion_words_match_independently_computed_values(int n, ulong first, ulong second)
    {
        Assert.Equal(first, ExpMinusExpansion.Word(n, 0));
        Assert.Equal(second, ExpMinusExpansion.Word(n, 1));
    }

    [Fact]
    public void Every_first_word_agrees_with_the_double_and_with_a_longer_expansion()
    {
        for (var n = 1; n <= ExpMinusExpansion.MaxWhole; n++)
        {
            var first = ExpMinusExpansion.Word(n, 0);
            // The word is exp(-n) truncated to 64 bits after the point: within 2^-64, plus the double's own rounding.
            Assert.Equal(Math.Exp(-n), first / Math.ScaleB(1, 64), Math.ScaleB(1, -64) + (Math.Exp(-n) * 1e-15));
            Assert.Equal(ExpMinusExpansion.FloorScaled(n, 64), ExpMinusExpansion.FloorScaled(n, 256) >> 192);
        }
    }

    [Fact]
    public void A_tie_on_the_first_word_is_decided_by_the_next_one()
    {
        // Random chunks are drawn 16 bits at a time from the low end of each word; the expansion's chunks
        // are compared from its high end. A source that replays exp(-1)'s first word chunk by chunk ties it.
        var first = ExpMinusExpansion.Word(1, 0);
        var tie = 0UL;
        for (var c = 0; c < 4; c++)
        {
            tie |= ((first >> (48 - (16 * c))) & 0xFFFF) << (16 * c);
        }

        Assert.True(Trial(1, tie, 0));              // U's next digits 0...: below exp(-1)'s next (nonzero) word
        Assert.False(Trial(1, tie, ulong.MaxValue)); // next digits all 1: above
        Assert.True(Trial(1, 0));                   // U = 0 is below every exp(-n)
        Assert.False(Trial(1, ulong.MaxValue));
        Assert.True(Trial(100, 0));                 // exp(-100) = exp(-32)^3 exp(-4): every factor's expansion is nonzero somewhere
        Assert.False(Trial(100, ulong.MaxValue));
    }

    private static bool Trial(int n, params ulong[] words)
    {
        var bits = new RandomBits(new ReplaySource(words));
        return ExpMinusExpansion.Bernoulli(ref bits, (ulong)n);
    }

    /// <summary>Replays the given words, then repeats the last one.</summary>
    private sealed class ReplaySource(ulong[] words) : IRandomSource
    {
        private int _next;

        public ulong NextUInt64() => words[Math.Min(_next++, words.Length - 1)];
    }
}
