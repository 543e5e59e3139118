using System.Globalization;
using StreamRec.Datasets;
using StreamRec.Embedder.Features;

namespace StreamRec.IntegrationTests.Embedding;

public sealed class FeatureHashingOnMovieLensTests
{
    [Fact]
    public void Every_movie_hashes_to_the_ids_of_its_documented_features()
    {
        var hasher = new ItemFeatureHasher(new ItemFeatureHashingOptions());
        var ids = new long[hasher.Options.MaxFeatures];
        var mask = new float[hasher.Options.MaxFeatures];
        var movies = MovieLensDataset.LoadDefault().Movies;
        Assert.Equal(9_066, movies.Length);

        foreach (var movie in movies)
        {
            var item = new ItemAttributes(movie.Id.ToString(CultureInfo.InvariantCulture), movie.DisplayTitle, movie.Genres);
            var count = hasher.Write(item, ids, mask);
            Assert.Equal(ItemFeatureHasher.Features(item, hasher.Options.MaxFeatures).Select(hasher.Hash), ids[..count]);
        }
    }
}
