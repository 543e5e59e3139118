using StreamRec.Recommender.Scoring;

namespace StreamRec.UnitTests.Recommender;

public sealed class JointRankerTests
{
    /// <summary>a, b, c, d at 0°, ~37°, 90° and 180° from the x axis: cosines 1, 0.8, 0, -1 with (1, 0).</summary>
    private static ItemMatrix Catalog()
    {
        var items = new ItemMatrix(2, 4);
        items.Add("a", [1, 0]);
        items.Add("b", [0.8f, 0.6f]);
        items.Add("c", [0, 1]);
        items.Add("d", [-1, 0]);
        return items;
    }

    private static string[] Ids(ItemMatrix items, int[] rows) => [.. rows.Select(items.ItemId)];

    [Fact]
    public void The_list_follows_the_interest_whatever_its_length()
    {
        var items = Catalog();

        Assert.Equal(["a", "b", "c"], Ids(items, JointRanker.Rank(items, [0.5f, 0], [], 0.05, 3)));
        Assert.Equal(["c", "b", "a"], Ids(items, JointRanker.Rank(items, [0, 0.9f], [], 0.05, 3)));
    }

    [Fact]
    public void Popularity_in_the_users_cluster_lifts_an_item_above_a_slightly_more_similar_one()
    {
        var items = Catalog();
        float[] popularity = [0, 1, 0, 0]; // b is the cluster's most counted item

        // w = 0.2: a scores 0.8 x (1 + 1)/2 = 0.8, b scores 0.8 x (0.8 + 1)/2 + 0.2 = 0.92.
        Assert.Equal(["b", "a"], Ids(items, JointRanker.Rank(items, [1, 0], popularity, 0.2, 2)));
        Assert.Equal(["a", "b"], Ids(items, JointRanker.Rank(items, [1, 0], popularity, 0, 2)));
    }

    [Fact]
    public void Seen_items_are_left_out()
    {
        var items = Catalog();

        Assert.Equal(["b", "c"], Ids(items, JointRanker.Rank(items, [1, 0], [], 0, 2, new HashSet<int> { 0 })));
    }

    [Fact]
    public void Equal_scores_are_ordered_by_item_id_not_by_catalog_row()
    {
        var items = new ItemMatrix(2, 3);
        foreach (var id in new[] { "m2", "m10", "m1" })
        {
            items.Add(id, [0.6f, 0.8f]);
        }

        Assert.Equal(["m1", "m10", "m2"], Ids(items, JointRanker.Rank(items, [1, 0], [], 0, 3)));
    }

    [Fact]
    public void With_w_zero_the_order_is_the_content_order_whatever_the_popularity()
    {
        var random = new Random(7);
        var items = new ItemMatrix(8, 200);
        for (var i = 0; i < 200; i++)
        {
            items.Add($"item-{i}", [.. Enumerable.Range(0, 8).Select(_ => (float)(random.NextDouble() - 0.5))]);
        }

        float[] interest = [.. Enumerable.Range(0, 8).Select(_ => (float)(random.NextDouble() - 0.5))];
        float[] popularity = [.. Enumerable.Range(0, 200).Select(_ => (float)random.NextDouble())];
        var scores = new float[200];
        CandidateScores.Compute(items, interest, scores);

        Assert.Equal(CandidateScores.TopK(scores, 20), JointRanker.Rank(items, interest, popularity, 0, 20));
        Assert.Equal(CandidateScores.TopK(scores, 20), JointRanker.Rank(items, interest, [], 0.5, 20)); // no billboard: content only
    }

    [Fact]
    public void The_users_cluster_is_the_centroid_nearest_their_vector()
    {
        float[][] centroids = [[1, 0], [0, 1], [-1, 0]];

        Assert.Equal(1, JointRanker.NearestCluster(centroids, [0.2f, 0.9f]));
        Assert.Equal(2, JointRanker.NearestCluster(centroids, [-0.5f, 0.1f]));
        Assert.Equal(0, JointRanker.NearestCluster(centroids, [0, 0])); // a tie goes to the lower index
        Assert.Equal(-1, JointRanker.NearestCluster(centroids, [1, 0, 0])); // no centroid of that dimension
    }

    [Fact]
    public void Popularity_is_the_count_over_the_clusters_largest_count()
    {
        var items = Catalog();

        // x is counted by the billboard but not in this catalog: it still sets the cluster's largest count.
        Assert.Equal([0.25f, 0.5f, 0f, 0f], JointRanker.Popularity(items, ["a", "b", "x", "c"], [2, 4, 8, 0]));
        Assert.Equal([0f, 0f, 0f, 0f], JointRanker.Popularity(items, ["a", "b"], [0, 0]));
    }

    [Fact]
    public void Counts_within_the_noise_floor_add_no_popularity_and_the_rest_are_measured_above_it()
    {
        var items = Catalog();

        // Floor 10: a (8) and c (-3, noise) are nothing; b (30) and x (50) are 20 and 40 above it.
        Assert.Equal([0f, 0.5f, 0f, 0f], JointRanker.Popularity(items, ["a", "b", "x", "c"], [8, 30, 50, -3], floor: 10));
        // Every count within the floor: no popularity at all, so the blend is content alone.
        Assert.Equal([0f, 0f, 0f, 0f], JointRanker.Popularity(items, ["a", "b", "c"], [9, 10, 4], floor: 10));
    }

    [Fact]
    public void The_noise_floor_is_three_standard_deviations_of_two_windows_of_tree_noise()
    {
        // Discrete Laplace of scale b has variance about 2b²; 2 windows x 5 levels = 10 nodes: σ = sqrt(20) b = 2 b sqrt(5).
        Assert.Equal(3 * Math.Sqrt(10 * 2 * 160.0 * 160.0), JointRanker.NoiseFloor(160, 5), 9);
    }
}
