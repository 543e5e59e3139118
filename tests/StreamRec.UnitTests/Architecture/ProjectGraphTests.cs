using System.Text.RegularExpressions;
using System.Xml.Linq;
using StreamRec.TestSupport;

namespace StreamRec.UnitTests.Architecture;

/// <summary>
/// docs/architecture.md draws the project graph; these tests keep the drawing and the src/*/*.csproj
/// ProjectReference elements the same graph, and keep the tools out of the product libraries.
/// </summary>
public sealed partial class ProjectGraphTests
{
    /// <summary>The libraries every stage's image ships: none may pull in a tool project.</summary>
    private static readonly string[] ProductLibraries =
        ["Ingest", "Embedder", "DriftDetector", "Recommender", "Messaging", "Storage", "Contracts", "Observability"];

    private static readonly string[] ToolProjects = ["Evaluation", "Training"];

    [Fact]
    public void Every_project_reference_is_drawn_in_the_architecture_doc()
    {
        var drawn = DrawnEdges();
        var missing = ProjectEdges().Where(edge => !drawn.Contains(edge)).Select(Format).ToList();
        Assert.True(missing.Count == 0, $"docs/architecture.md does not draw these project references: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_drawn_edge_is_a_project_reference()
    {
        var actual = ProjectEdges();
        var extra = DrawnEdges().Where(edge => !actual.Contains(edge)).Select(Format).ToList();
        Assert.True(extra.Count == 0, $"docs/architecture.md draws edges no .csproj has: {string.Join(", ", extra)}");
    }

    [Fact]
    public void No_product_library_references_evaluation_or_training()
    {
        var edges = ProjectEdges();
        var bad = edges.Where(e => ProductLibraries.Contains(e.From) && ToolProjects.Contains(e.To)).Select(Format).ToList();
        Assert.True(bad.Count == 0, $"product libraries must not reference the tools: {string.Join(", ", bad)}");

        // Transitively too: a product library reaching a tool through another project ships it all the same.
        foreach (var library in ProductLibraries)
        {
            var reached = Reachable(edges, library);
            var tools = ToolProjects.Where(reached.Contains).ToList();
            Assert.True(tools.Count == 0, $"{library} reaches {string.Join(", ", tools)} through its references");
        }
    }

    [Fact]
    public void The_drawing_names_every_project()
    {
        var drawn = DrawnEdges().SelectMany(e => new[] { e.From, e.To }).ToHashSet(StringComparer.Ordinal);
        var missing = Projects().Keys.Where(name => !drawn.Contains(name)).ToList();
        Assert.True(missing.Count == 0, $"docs/architecture.md does not show these projects: {string.Join(", ", missing)}");
    }

    /// <summary>src/NAME/*.csproj by NAME, the directory name (which the drawing uses).</summary>
    private static Dictionary<string, string> Projects() =>
        Directory.GetDirectories(RepositoryFiles.Path("src"))
            .SelectMany(directory => Directory.GetFiles(directory, "*.csproj"))
            .ToDictionary(path => Path.GetFileName(Path.GetDirectoryName(path)!), path => path, StringComparer.Ordinal);

    private static HashSet<(string From, string To)> ProjectEdges()
    {
        var edges = new HashSet<(string, string)>();
        foreach (var (name, path) in Projects())
        {
            foreach (var reference in XDocument.Load(path).Descendants("ProjectReference"))
            {
                var include = reference.Attribute("Include")?.Value ?? throw new InvalidDataException($"{path}: a ProjectReference without Include");
                var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, include.Replace('\\', '/')));
                edges.Add((name, Path.GetFileName(Path.GetDirectoryName(target)!)));
            }
        }

        return edges;
    }

    /// <summary>The "A --> B" lines of the mermaid block in docs/architecture.md.</summary>
    private static HashSet<(string From, string To)> DrawnEdges()
    {
        var text = File.ReadAllText(RepositoryFiles.Path("docs", "architecture.md"));
        var block = MermaidBlock().Match(text);
        Assert.True(block.Success, "docs/architecture.md has no ```mermaid block");
        var edges = new HashSet<(string, string)>();
        foreach (var line in block.Groups["body"].Value.Split('\n').Select(l => l.Trim()))
        {
            if (line.Length == 0 || line.StartsWith("graph ", StringComparison.Ordinal) || line.StartsWith("%%", StringComparison.Ordinal))
            {
                continue;
            }

            var edge = Edge().Match(line);
            Assert.True(edge.Success, $"docs/architecture.md: cannot read the line \"{line}\" as an edge (A --> B)");
            edges.Add((edge.Groups["from"].Value, edge.Groups["to"].Value));
        }

        return edges;
    }

    private static HashSet<string> Reachable(HashSet<(string From, string To)> edges, string start)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([start]);
        while (pending.TryPop(out var node))
        {
            foreach (var (_, to) in edges.Where(e => e.From == node))
            {
                if (seen.Add(to))
                {
                    pending.Push(to);
                }
            }
        }

        return seen;
    }

    private static string Format((string From, string To) edge) => $"{edge.From} --> {edge.To}";

    [GeneratedRegex(@"```mermaid\s*\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex MermaidBlock();

    [GeneratedRegex(@"^(?<from>\w+)\s*-->\s*(?<to>\w+)$")]
    private static partial Regex Edge();
}
