using StreamRec.Embedder.Features;

namespace StreamRec.UnitTests.Embedder;

public sealed class ItemFeatureHasherTests
{
    private static readonly ItemFeatureHasher Hasher = new(new ItemFeatureHashingOptions { VocabularySize = 1 << 16, MaxFeatures = 8 });

    [Fact]
    public void Features_come_in_priority_order_without_duplicates()
    {
        var item = new ItemAttributes("2571", "Matrix, The (1999)", ["Action", "Sci-Fi", "action"], ["cyberpunk"]);

        Assert.Equal(
            ["item:2571", "cat:action", "cat:sci-fi", "decade:1990s", "tag:cyberpunk", "word:matrix"],
            ItemFeatureHasher.Features(item, maxFeatures: 16));
    }

    [Fact]
    public void Features_beyond_the_sequence_length_are_dropped_lowest_priority_first()
    {
        var item = new ItemAttributes("1", "Alpha Beta Gamma Delta Epsilon (2001)", ["Drama"]);

        Assert.Equal(["item:1", "cat:drama", "decade:2000s", "word:alpha"], ItemFeatureHasher.Features(item, maxFeatures: 4));
    }

    [Fact]
    public void Title_words_skip_stop_words_single_letters_and_the_year()
    {
        var (words, year) = ItemFeatureHasher.SplitTitle("City of Lost Children, The (Cité des enfants perdus, La) (1995)");

        Assert.Equal(1995, year);
        Assert.Equal(["city", "lost", "children", "cité", "des", "enfants", "perdus"], words);
        var (plainWords, noYear) = ItemFeatureHasher.SplitTitle("Untitled");
        Assert.Equal(["untitled"], plainWords);
        Assert.Null(noYear);
    }

    [Fact]
    public void Write_fills_ids_and_mask_and_pads_the_rest()
    {
        var ids = new long[8];
        var mask = new float[8];

        var count = Hasher.Write(new ItemAttributes("42", "Heat (1995)", ["Crime"]), ids, mask);

        Assert.Equal(4, count); // item, category, decade, one word
        Assert.Equal([1, 1, 1, 1, 0, 0, 0, 0], mask);
        Assert.Equal(Hasher.Hash("item:42"), ids[0]);
        Assert.Equal(Hasher.Hash("cat:crime"), ids[1]);
        Assert.All(ids[4..], id => Assert.Equal(0, id));
        Assert.All(ids, id => Assert.InRange(id, 0, (1 << 16) - 1));
    }

    [Fact]
    public void Hash_is_fnv1a_64_of_seed_and_feature_with_a_separator()
    {
        // Independent computation of the documented scheme for one feature.
        var hasher = new ItemFeatureHasher(new ItemFeatureHashingOptions { VocabularySize = 1000, Seed = 7 });
        ulong h = 14695981039346656037UL;
        foreach (var b in new byte[] { 7, 0, 0, 0, (byte)'c', (byte)'a', (byte)'t', 0x1F, (byte)'x' })
        {
            h = (h ^ b) * 1099511628211UL;
        }

        Assert.Equal((long)(h % 1000), hasher.Hash("cat:x"));
    }

    [Fact]
    public void Different_seeds_give_different_hashings()
    {
        var other = new ItemFeatureHasher(new ItemFeatureHashingOptions { VocabularySize = 1 << 16, MaxFeatures = 8, Seed = 1 });
        var features = Enumerable.Range(0, 100).Select(i => $"item:{i}").ToList();

        Assert.True(features.Count(f => Hasher.Hash(f) != other.Hash(f)) > 95);
    }

    [Fact]
    public void Hashing_options_round_trip_through_model_metadata()
    {
        var options = new ItemFeatureHashingOptions { VocabularySize = 4096, MaxFeatures = 12, Seed = 99 };

        Assert.Equal(options, ItemFeatureHashingOptions.FromMetadata(options.ToMetadata()));
        var wrongScheme = new Dictionary<string, string>(options.ToMetadata()) { ["scheme"] = "other" };
        Assert.Throws<InvalidDataException>(() => ItemFeatureHashingOptions.FromMetadata(wrongScheme));
    }

    public static TheoryData<ItemAttributes> TrickyItems() => new()
    {
        new ItemAttributes("a:b", "Amélie (Fabuleux destin d'Amélie Poulain, Le) (2001)", ["Comedy", " comedy ", "Romance"], ["Paris", "PARIS"]),
        new ItemAttributes("x", "   ", null, []),
        new ItemAttributes("ÆØÅ", "ΣΊΣΥΦΟΣ and the İstanbul 𐐀𐐁 (1999)", ["Ünïcödé"], ["𐐨tag"]),
        new ItemAttributes("7", "(1995)", ["", "Drama"], ["  "]),
        new ItemAttributes("8", "Twelve Monkeys a.k.a. 12 Monkeys (1995) extra", ["Sci-Fi"]),
        new ItemAttributes("9", string.Join(' ', Enumerable.Range(0, 40).Select(i => $"word{i % 13}")), [.. Enumerable.Range(0, 20).Select(i => $"Genre{i}")]),
    };

    [Theory]
    [MemberData(nameof(TrickyItems))]
    public void Write_gives_exactly_the_hashes_of_the_documented_features(ItemAttributes item)
    {
        foreach (var maxFeatures in new[] { 1, 4, 16, 300 })
        {
            var hasher = new ItemFeatureHasher(new ItemFeatureHashingOptions { VocabularySize = 1 << 16, MaxFeatures = maxFeatures, Seed = 3 });
            var ids = new long[maxFeatures];
            var mask = new float[maxFeatures];

            var count = hasher.Write(item, ids, mask);

            var expected = ItemFeatureHasher.Features(item, maxFeatures).Select(hasher.Hash).ToArray();
            Assert.Equal(expected, ids[..count]);
            Assert.All(mask[..count], m => Assert.Equal(1f, m));
            Assert.All(mask[count..], m => Assert.Equal(0f, m));
        }
    }
}
