using StreamRec.Datasets;

namespace StreamRec.UnitTests.Datasets;

public sealed class MovieLensDirectoryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("streamrec-repo-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void The_environment_variable_names_the_data_directory_itself()
    {
        string configured = Path.Combine(_root, "elsewhere");

        Assert.Equal(configured, MovieLensDirectory.Resolve(configured, _root));
    }

    [Fact]
    public void Without_it_the_lookup_walks_up_to_the_solution_directory()
    {
        File.WriteAllText(Path.Combine(_root, "StreamRec.sln"), "");
        string binaries = Directory.CreateDirectory(Path.Combine(_root, "tests", "X", "bin", "Debug", "net10.0")).FullName;

        Assert.Equal(Path.Combine(_root, "data", "ml-latest-small"), MovieLensDirectory.Resolve(null, binaries));
        Assert.Equal(Path.Combine(_root, "data", "ml-latest-small"), MovieLensDirectory.Resolve(" ", binaries));
    }

    [Fact]
    public void Without_either_the_lookup_fails_saying_what_to_set()
    {
        var error = Assert.Throws<DirectoryNotFoundException>(() => MovieLensDirectory.Resolve(null, _root));

        Assert.Contains(MovieLensDirectory.EnvironmentVariable, error.Message, StringComparison.Ordinal);
    }
}
