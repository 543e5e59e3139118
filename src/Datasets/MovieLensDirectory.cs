namespace StreamRec.Datasets;

/// <summary>
/// Where StreamRec expects MovieLens latest-small: the directory named by STREAMREC_DATA_DIR (the one
/// holding movies.csv and ratings.csv), else data/ml-latest-small in the repository, which is where
/// scripts/get-movielens.sh writes by default.
/// </summary>
public static class MovieLensDirectory
{
    public const string EnvironmentVariable = "STREAMREC_DATA_DIR";
    public const string SolutionFileName = "StreamRec.sln";

    /// <summary>The repository-relative default: data/ml-latest-small.</summary>
    public static readonly string RepositoryRelativePath = Path.Combine("data", "ml-latest-small");

    /// <summary>
    /// STREAMREC_DATA_DIR when set, else data/ml-latest-small under the nearest directory above
    /// <see cref="AppContext.BaseDirectory"/> that holds StreamRec.sln. The directory may not exist
    /// yet: <see cref="MovieLensDataset.Load"/> says how to create it.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">Neither is available.</exception>
    public static string Resolve() =>
        Resolve(Environment.GetEnvironmentVariable(EnvironmentVariable), AppContext.BaseDirectory);

    internal static string Resolve(string? configured, string startDirectory)
    {
        if (!string.IsNullOrWhiteSpace(configured))
            return Path.GetFullPath(configured);

        for (var directory = new DirectoryInfo(startDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFileName)))
                return Path.Combine(directory.FullName, RepositoryRelativePath);
        }

        throw new DirectoryNotFoundException(
            $"Cannot locate the MovieLens data: {EnvironmentVariable} is not set and no {SolutionFileName} " +
            $"was found in '{startDirectory}' or above. Set {EnvironmentVariable} to a directory holding " +
            "movies.csv and ratings.csv (scripts/get-movielens.sh --out DIR creates them).");
    }
}
