using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace StreamRec.Datasets;

/// <summary>
/// MovieLens "latest-small" as GroupLens publishes it (movies.csv, ratings.csv), loaded into memory.
/// scripts/get-movielens.sh produces the 2016 release (100,004 ratings, 671 users, 9,066 rated movies)
/// offline; the official ml-latest-small download can be loaded the same way.
/// </summary>
public sealed partial class MovieLensDataset
{
    public const string MoviesFileName = "movies.csv";
    public const string RatingsFileName = "ratings.csv";

    private MovieLensDataset(string sourceDirectory, Movie[] movies, Rating[] ratings)
    {
        SourceDirectory = sourceDirectory;
        Movies = ImmutableCollectionsMarshal.AsImmutableArray(movies);
        Ratings = ImmutableCollectionsMarshal.AsImmutableArray(ratings);
        MoviesById = movies.ToDictionary(movie => movie.Id);
    }

    /// <summary>The directory the files were read from (full path).</summary>
    public string SourceDirectory { get; }

    /// <summary>Movies in file order (GroupLens sorts them by id).</summary>
    public ImmutableArray<Movie> Movies { get; }

    public IReadOnlyDictionary<int, Movie> MoviesById { get; }

    /// <summary>Ratings in file order (GroupLens sorts them by user id, then movie id).</summary>
    public ImmutableArray<Rating> Ratings { get; }

    /// <summary>Loads movies.csv and ratings.csv from <paramref name="directory"/>.</summary>
    /// <exception cref="FileNotFoundException">A file is missing; the message says how to create it.</exception>
    /// <exception cref="InvalidDataException">A file is not in GroupLens' format (file and line named).</exception>
    public static MovieLensDataset Load(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string fullDirectory = Path.GetFullPath(directory);
        string moviesPath = RequireFile(fullDirectory, MoviesFileName);
        string ratingsPath = RequireFile(fullDirectory, RatingsFileName);
        Movie[] movies = ReadMovies(moviesPath);
        Rating[] ratings = ReadRatings(ratingsPath);
        return new MovieLensDataset(fullDirectory, movies, ratings);
    }

    /// <summary>Loads from <see cref="MovieLensDirectory.Resolve()"/>.</summary>
    public static MovieLensDataset LoadDefault() => Load(MovieLensDirectory.Resolve());

    private static string RequireFile(string directory, string fileName)
    {
        string path = Path.Combine(directory, fileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"MovieLens data not found: '{directory}' has no {fileName}. Run scripts/get-movielens.sh " +
                $"(or scripts/get-movielens.sh --out '{directory}') to create it, or set " +
                $"{MovieLensDirectory.EnvironmentVariable} to a directory holding GroupLens' ml-latest-small.",
                path);
        }

        return path;
    }
}
