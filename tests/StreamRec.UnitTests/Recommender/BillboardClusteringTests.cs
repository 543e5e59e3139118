using StreamRec.Contracts;
using StreamRec.Recommender.Billboard;

namespace StreamRec.UnitTests.Recommender;

/// <summary>The billboard's clusters are a function of the public catalog alone: same vectors, same centroids.</summary>
public sealed class BillboardClusteringTests
{
    /// <summary>Three tight groups around three axes of a 6-dimensional space, seeded.</summary>
    private static List<float[]> Catalog(ulong seed)
    {
        var random = new SplitMix64(seed);
        var vectors = new List<float[]>();
        for (var i = 0; i < 300; i++)
        {
            var v = new float[6];
            v[i % 3] = 1;
            for (var j = 0; j < v.Length; j++)
            {
                v[j] += (random.NextFloat() - 0.5f) * 0.2f;
            }

            vectors.Add(v);
        }

        return vectors;
    }

    [Fact]
    public void The_same_catalog_gives_the_same_centroids_every_time()
    {
        var first = BillboardClustering.Centroids(Catalog(7), 3);
        var second = BillboardClustering.Centroids(Catalog(7), 3);

        Assert.Equal(3, first.Length);
        Assert.All(Enumerable.Range(0, 3), c => Assert.Equal(first[c], second[c]));
    }

    [Fact]
    public void Centroids_are_unit_vectors_that_find_the_groups()
    {
        var vectors = Catalog(11);
        var centroids = BillboardClustering.Centroids(vectors, 3);

        Assert.All(centroids, c => Assert.Equal(1, Math.Sqrt(c.Sum(x => (double)x * x)), 4));
        // Every item of a group is nearest the same centroid, and the three groups get three centroids.
        var byGroup = Enumerable.Range(0, 3)
            .Select(g => vectors.Where((_, i) => i % 3 == g).Select(v => BillboardClustering.Nearest(centroids, v)).Distinct().ToList()).ToList();
        Assert.All(byGroup, g => Assert.Single(g));
        Assert.Equal(3, byGroup.Select(g => g[0]).Distinct().Count());
    }

    [Fact]
    public void Fewer_items_than_clusters_give_one_cluster_per_item()
    {
        var centroids = BillboardClustering.Centroids([[3, 4], [0, 2]], 8);

        Assert.Equal([[0.6f, 0.8f], [0, 1]], centroids);
    }
}
