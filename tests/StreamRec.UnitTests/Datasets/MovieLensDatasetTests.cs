using StreamRec.Datasets;

namespace StreamRec.UnitTests.Datasets;

/// <summary>Loads small files in GroupLens' format that each test writes to its own temp dir.</summary>
public sealed class MovieLensDatasetTests : IDisposable
{
    private const string RatingsHeader = "userId,movieId,rating,timestamp\n";
    private readonly string _directory =
        Directory.CreateTempSubdirectory("streamrec-movielens-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private MovieLensDataset Load(string moviesRows, string ratingsRows = "")
    {
        File.WriteAllText(Path.Combine(_directory, "movies.csv"), "movieId,title,genres\n" + moviesRows);
        File.WriteAllText(Path.Combine(_directory, "ratings.csv"), RatingsHeader + ratingsRows);
        return MovieLensDataset.Load(_directory);
    }

    [Fact]
    public void Title_and_year_are_split_from_the_GroupLens_title()
    {
        var dataset = Load("1,Toy Story (1995),Adventure|Animation|Children|Comedy|Fantasy\n");

        var movie = Assert.Single(dataset.Movies);
        Assert.Equal(1, movie.Id);
        Assert.Equal("Toy Story", movie.Title);
        Assert.Equal(1995, movie.Year);
        Assert.Equal(["Adventure", "Animation", "Children", "Comedy", "Fantasy"], movie.Genres);
    }

    [Fact]
    public void Only_the_final_parentheses_give_the_year()
    {
        var dataset = Load("29,\"City of Lost Children, The (Cité des enfants perdus, La) (1995)\",Adventure|Drama\n");

        var movie = Assert.Single(dataset.Movies);
        Assert.Equal("City of Lost Children, The (Cité des enfants perdus, La)", movie.Title);
        Assert.Equal(1995, movie.Year);
    }

    [Fact]
    public void Quoted_title_with_a_comma_and_doubled_quotes_is_read_back_exactly()
    {
        var dataset = Load(
            "7789,\"11'09\"\"01 - September 11 (2002)\",Drama\n" +
            "51372,\"\"\"Great Performances\"\" Cats (1998)\",Musical\n" +
            "5952,\"Lord of the Rings: The Two Towers, The (2002)\",Adventure|Fantasy\n");

        Assert.Equal(
            ["11'09\"01 - September 11", "\"Great Performances\" Cats", "Lord of the Rings: The Two Towers, The"],
            dataset.Movies.Select(m => m.Title));
        Assert.Equal([2002, 1998, 2002], dataset.Movies.Select(m => m.Year));
    }

    [Fact]
    public void Title_without_a_plain_year_is_kept_whole_with_no_year()
    {
        var dataset = Load("108548,\"Big Bang Theory, The (2007-)\",Comedy\n162376,Stranger Things,Drama\n143410,,Drama\n");

        Assert.Equal(["Big Bang Theory, The (2007-)", "Stranger Things", ""], dataset.Movies.Select(m => m.Title));
        Assert.All(dataset.Movies, m => Assert.Null(m.Year));
    }

    [Fact]
    public void No_genres_listed_becomes_an_empty_genre_list()
    {
        var dataset = Load("151307,The Lovers and the Despot (2016),(no genres listed)\n");

        Assert.Empty(Assert.Single(dataset.Movies).Genres);
    }

    [Fact]
    public void Ratings_are_read_with_their_half_stars_and_unix_timestamps()
    {
        var dataset = Load("31,Dangerous Minds (1995),Drama\n", "1,31,2.5,1260759144\r\n1,31,3.0,835355586\r\n");

        Assert.Equal(
            [new Rating(1, 31, 2.5f, 1_260_759_144), new Rating(1, 31, 3.0f, 835_355_586)],
            dataset.Ratings.ToArray());
        Assert.Equal("Dangerous Minds", dataset.MoviesById[31].Title);
    }

    [Fact]
    public void Missing_files_fail_naming_the_directory_and_the_script_to_run()
    {
        var error = Assert.Throws<FileNotFoundException>(() => MovieLensDataset.Load(_directory));

        Assert.Contains(_directory, error.Message, StringComparison.Ordinal);
        Assert.Contains("scripts/get-movielens.sh", error.Message, StringComparison.Ordinal);
        Assert.Equal(Path.Combine(_directory, "movies.csv"), error.FileName);
    }

    [Fact]
    public void A_file_with_another_header_is_rejected()
    {
        File.WriteAllText(Path.Combine(_directory, "movies.csv"), "id,name,genres\n1,Toy Story (1995),Comedy\n");
        File.WriteAllText(Path.Combine(_directory, "ratings.csv"), RatingsHeader);

        var error = Assert.Throws<InvalidDataException>(() => MovieLensDataset.Load(_directory));

        Assert.Contains("movies.csv:1", error.Message, StringComparison.Ordinal);
        Assert.Contains("movieId,title,genres", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_field_that_is_not_a_number_is_reported_with_its_line()
    {
        var error = Assert.Throws<InvalidDataException>(() =>
            Load("31,Dangerous Minds (1995),Drama\n", "1,31,2.5,1260759144\n1,31,three,1260759144\n"));

        Assert.Contains("ratings.csv:3", error.Message, StringComparison.Ordinal);
        Assert.Contains("'three'", error.Message, StringComparison.Ordinal);
    }
}
