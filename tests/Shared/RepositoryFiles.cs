namespace StreamRec.TestSupport;

/// <summary>Files of the repository the tests run from (the nearest directory above the test binaries that holds StreamRec.sln), for tests that hold code to its documentation, scripts and build files.</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] relative) => System.IO.Path.Combine([Root, .. relative]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "StreamRec.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No StreamRec.sln in {AppContext.BaseDirectory} or above.");
    }
}
