using StreamRec.Embedder.Features;
using StreamRec.Training;

namespace StreamRec.UnitTests.Training;

public sealed class TrainingCorpusTests
{
    private static readonly ItemAttributes[] Items = [.. Enumerable.Range(0, 5).Select(i => new ItemAttributes($"m{i}"))];

    [Fact]
    public void Histories_are_grouped_by_user_and_ordered_by_time_then_item()
    {
        var corpus = TrainingCorpus.Create(Items,
        [
            new Interaction(UserId: 9, Item: 4, Timestamp: 30),
            new Interaction(UserId: 2, Item: 3, Timestamp: 10),
            new Interaction(UserId: 9, Item: 2, Timestamp: 20),
            new Interaction(UserId: 9, Item: 1, Timestamp: 30), // same second as item 4: the lower index first
            new Interaction(UserId: 2, Item: 0, Timestamp: 5),
        ]);

        Assert.Equal([2, 9], corpus.Histories.Select(h => h.UserId));
        Assert.Equal([0, 3], corpus.Histories[0].Items);
        Assert.Equal([2, 1, 4], corpus.Histories[1].Items);
    }

    [Fact]
    public void An_interaction_with_an_item_outside_the_catalog_is_rejected()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => TrainingCorpus.Create(Items, [new Interaction(1, 5, 0)]));

        Assert.Contains("item 5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Feature_index_holds_the_rows_the_embedder_hashes()
    {
        var hasher = new ItemFeatureHasher(new ItemFeatureHashingOptions { VocabularySize = 1000, MaxFeatures = 4 });
        ItemAttributes[] items = [new("42", "Heat (1995)", ["Crime", "Action"]), new("7", "A Very Long Title Indeed (2001)")];
        var ids = new long[4];
        var mask = new float[4];

        var index = ItemFeatureIndex.Create(items, hasher);

        for (var i = 0; i < items.Length; i++)
        {
            var count = hasher.Write(items[i], ids, mask);
            Assert.Equal(ids[..count].Select(id => (int)id), index.RowsOf(i).ToArray());
        }

        Assert.Equal(4, index.RowsOf(0).Length); // item, two genres, decade; the title word is the 5th feature
    }
}
