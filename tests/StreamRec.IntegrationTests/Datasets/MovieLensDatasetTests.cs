using System.Diagnostics;
using StreamRec.Datasets;
using Xunit.Abstractions;

namespace StreamRec.IntegrationTests.Datasets;

/// <summary>
/// Checks the real data produced by scripts/get-movielens.sh. Missing data is a failure, never a skip:
/// <see cref="MovieLensDataset.Load"/>'s message says to run the script.
/// </summary>
public sealed class MovieLensDatasetTests(ITestOutputHelper output)
{
    [Fact]
    public void Dataset_has_the_published_counts()
    {
        string directory = MovieLensDirectory.Resolve();
        var stopwatch = Stopwatch.StartNew();
        var dataset = MovieLensDataset.Load(directory);
        output.WriteLine($"Loaded {directory} in {stopwatch.ElapsedMilliseconds} ms.");

        Assert.Equal(100_004, dataset.Ratings.Length);
        Assert.Equal(671, dataset.Ratings.Select(r => r.UserId).Distinct().Count());
        Assert.Equal(9_066, dataset.Movies.Length);
        Assert.Equal(9_066, dataset.MoviesById.Count);

        long first = new DateTimeOffset(1995, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        long end = new DateTimeOffset(2017, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        foreach (var rating in dataset.Ratings)
        {
            Assert.True(dataset.MoviesById.ContainsKey(rating.MovieId), $"{rating} names an unknown movie.");
            Assert.InRange(rating.Stars, 0.5f, 5.0f);
            Assert.InRange(rating.Timestamp, first, end - 1);
        }
    }
}
