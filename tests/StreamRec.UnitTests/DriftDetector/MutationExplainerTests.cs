using StreamRec.DriftDetector.Explanation;

namespace StreamRec.UnitTests.DriftDetector;

public sealed class MutationExplainerTests
{
    // A small catalog: each genre owns an axis; an item points at the mean of its genres' axes, plus noise.
    private static readonly string[] Genres = ["Comedy", "Horror", "Romance", "Thriller", "Drama"];

    private static (ItemProfiles Items, Dictionary<string, float[]> Vectors) Catalog(int seed)
    {
        var random = new Random(seed);
        var items = new ItemProfiles(capacity: 1000);
        items.UseModel("m1");
        var vectors = new Dictionary<string, float[]>();
        (string Id, string[] Genres)[] catalog =
        [
            .. Enumerable.Range(0, 10).Select(i => ($"comedy-{i}", new[] { "Comedy" })),
            .. Enumerable.Range(0, 10).Select(i => ($"romcom-{i}", new[] { "Comedy", "Romance" })),
            .. Enumerable.Range(0, 10).Select(i => ($"horror-{i}", new[] { "Horror" })),
            .. Enumerable.Range(0, 10).Select(i => ($"horror-thriller-{i}", new[] { "Horror", "Thriller" })),
            .. Enumerable.Range(0, 10).Select(i => ($"drama-{i}", new[] { "Drama" })),
        ];
        foreach (var (id, genres) in catalog)
        {
            var v = new float[8];
            foreach (var g in genres)
            {
                v[Array.IndexOf(Genres, g)] += 1f / genres.Length;
            }

            for (var k = 0; k < v.Length; k++)
            {
                v[k] += (float)(0.05 * (random.NextDouble() - 0.5));
            }

            vectors[id] = v;
            Assert.True(items.TryAdd(id, v, $"Title of {id}", genres));
        }

        return (items, vectors);
    }

    private static float[] Mean(Dictionary<string, float[]> vectors, string prefix) =>
        Enumerable.Range(0, 8).Select(k => vectors.Where(v => v.Key.StartsWith(prefix, StringComparison.Ordinal)).Average(v => v.Value[k])).ToArray();

    [Fact]
    public void A_switch_from_comedy_to_horror_is_explained_as_more_horror_and_less_comedy()
    {
        var (items, vectors) = Catalog(seed: 1);
        var before = Mean(vectors, "comedy-");
        var after = Mean(vectors, "horror-");

        var explanation = new MutationExplainer(new ExplanationOptions()).Explain(before, after, items);

        Assert.Equal("Horror", explanation.Gained[0].Category);
        Assert.Equal("Comedy", explanation.Lost[0].Category);
        Assert.DoesNotContain(explanation.Gained, s => s.Category is "Comedy" or "Romance");
        Assert.DoesNotContain(explanation.Lost, s => s.Category is "Horror" or "Thriller");
        Assert.All(explanation.Gained, s => Assert.True(s.After > s.Before));
        Assert.All(explanation.Lost, s => Assert.True(s.After < s.Before));
        Assert.StartsWith("more Horror", explanation.Summary, StringComparison.Ordinal);
        Assert.Contains("less Comedy", explanation.Summary, StringComparison.Ordinal);
        Assert.Equal(3, explanation.ExamplesAfter.Count);
        Assert.All(explanation.ExamplesAfter, e => Assert.StartsWith("horror", e.ItemId, StringComparison.Ordinal));
        Assert.All(explanation.ExamplesBefore, e => Assert.StartsWith("comedy", e.ItemId, StringComparison.Ordinal));
        Assert.Equal($"Title of {explanation.ExamplesAfter[0].ItemId}", explanation.ExamplesAfter[0].Title);
    }

    [Fact]
    public void The_reverse_switch_swaps_gained_and_lost()
    {
        var (items, vectors) = Catalog(seed: 2);

        var explanation = new MutationExplainer(new ExplanationOptions()).Explain(Mean(vectors, "horror-"), Mean(vectors, "romcom-"), items);

        Assert.Contains(explanation.Gained.Take(2), s => s.Category == "Romance");
        Assert.Contains(explanation.Gained.Take(2), s => s.Category == "Comedy");
        Assert.Equal("Horror", explanation.Lost[0].Category);
    }

    [Fact]
    public void Items_as_close_to_the_old_interest_as_to_the_new_are_not_named_as_examples()
    {
        var (items, vectors) = Catalog(seed: 3);
        var before = Mean(vectors, "comedy-");
        var after = Mean(vectors, "horror-");
        // Closer to either interest than any horror film is to the new one, but about as close to both:
        // it says nothing about the change.
        var shared = new float[8];
        for (var k = 0; k < shared.Length; k++)
        {
            shared[k] = before[k] + after[k];
        }

        Assert.True(items.TryAdd("shared", shared, "Shared", ["Drama"]));

        var explanation = new MutationExplainer(new ExplanationOptions()).Explain(before, after, items);

        Assert.DoesNotContain(explanation.ExamplesAfter, e => e.ItemId == "shared");
        Assert.DoesNotContain(explanation.ExamplesBefore, e => e.ItemId == "shared");
        Assert.Equal(3, explanation.ExamplesAfter.Count);
    }

    [Fact]
    public void The_same_vectors_and_catalog_give_the_same_explanation_whatever_order_the_items_were_loaded_in()
    {
        var (items, vectors) = Catalog(seed: 4);
        var reloaded = new ItemProfiles(capacity: 1000);
        reloaded.UseModel("m1");
        foreach (var item in items.Items.Reverse())
        {
            reloaded.TryAdd(item.ItemId, item.Vector, item.Title, item.Categories);
        }

        var explainer = new MutationExplainer(new ExplanationOptions());
        var first = explainer.Explain(Mean(vectors, "drama-"), Mean(vectors, "romcom-"), items);
        var second = explainer.Explain(Mean(vectors, "drama-"), Mean(vectors, "romcom-"), reloaded);

        Assert.Equal(
            System.Text.Json.JsonSerializer.Serialize(first),
            System.Text.Json.JsonSerializer.Serialize(second));
        Assert.NotEmpty(first.Gained);
        Assert.NotEmpty(first.ExamplesAfter);
    }

    [Fact]
    public void Examples_are_the_items_of_largest_contrast_with_ties_broken_by_item_id()
    {
        // Pairs of items with identical vectors tie exactly; the explanation must name them by id order.
        var items = new ItemProfiles(capacity: 1000);
        items.UseModel("m1");
        var random = new Random(9);
        for (var i = 0; i < 40; i++)
        {
            var v = Enumerable.Range(0, 8).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
            foreach (var id in (string[])[$"b-{i:D2}", $"a-{i:D2}"])
            {
                Assert.True(items.TryAdd(id, v, $"Title of {id}", ["Drama"]));
            }
        }

        var before = Enumerable.Range(0, 8).Select(k => k == 0 ? 1f : 0f).ToArray();
        var after = Enumerable.Range(0, 8).Select(k => k == 1 ? 1f : 0f).ToArray();
        var explanation = new MutationExplainer(new ExplanationOptions { ExampleItems = 5 }).Explain(before, after, items);

        // The reference: every item's contrast over its stored (normalised) vector, fully sorted.
        float Contrast(float[] v) => System.Numerics.Tensors.TensorPrimitives.Dot(v, after) - System.Numerics.Tensors.TensorPrimitives.Dot(v, before);
        string[] Best(IEnumerable<(string Id, float Contrast)> candidates) =>
            [.. candidates.OrderByDescending(c => c.Contrast).ThenBy(c => c.Id, StringComparer.Ordinal).Take(5).Select(c => c.Id)];
        Assert.Equal(Best(items.Items.Select(p => (p.ItemId, Contrast(p.Vector))).Where(c => c.Item2 > 0)), explanation.ExamplesAfter.Select(e => e.ItemId));
        Assert.Equal(Best(items.Items.Select(p => (p.ItemId, -Contrast(p.Vector))).Where(c => c.Item2 > 0)), explanation.ExamplesBefore.Select(e => e.ItemId));
        Assert.Equal(5, explanation.ExamplesAfter.Count);
        Assert.StartsWith("a-", explanation.ExamplesAfter[0].ItemId, StringComparison.Ordinal); // "a-" ties "b-" and sorts first
    }

    [Fact]
    public void Items_without_categories_give_a_summary_that_says_so()
    {
        var items = new ItemProfiles(10);
        items.UseModel("m1");
        items.TryAdd("a", [1f, 0f], null, []);

        var explanation = new MutationExplainer(new ExplanationOptions()).Explain([1f, 0f], [0f, 1f], items);

        Assert.Empty(explanation.Gained);
        Assert.Empty(explanation.Lost);
        Assert.Equal("no category information for these items", explanation.Summary);
    }

    [Fact]
    public void Item_table_forgets_another_models_items_and_stops_at_its_capacity()
    {
        var items = new ItemProfiles(capacity: 2);
        items.UseModel("m1");
        Assert.True(items.TryAdd("a", [1f, 0f], null, ["X"]));
        Assert.False(items.TryAdd("a", [0f, 1f], null, ["X"]));
        Assert.True(items.TryAdd("b", [0f, 1f], null, ["X"]));
        Assert.False(items.TryAdd("c", [1f, 1f], null, ["X"]));
        Assert.True(items.IsFull);
        Assert.Equal(2, Assert.Single(items.Categories).Items);

        items.UseModel("m2");

        Assert.Equal(0, items.Count);
        Assert.Empty(items.Categories);
        Assert.True(items.TryAdd("c", [1f, 1f], null, ["X"]));
    }
}
