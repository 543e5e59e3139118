using StreamRec.TestSupport;
using System.Text.RegularExpressions;

namespace StreamRec.IntegrationTests.Deployment;

/// <summary>
/// What the chart carries besides its templates stays true: the Grafana dashboard copies equal
/// deploy/grafana's, every value has a <c># --</c> comment and a row in the chart's README, and NOTES.txt
/// tells the operator what to do next.
/// </summary>
public sealed partial class ChartDocumentationTests
{
    private static readonly string ChartDashboards = Path.Combine(ChartTools.ChartDirectory, "dashboards");

    [Fact]
    public void The_chart_carries_a_byte_for_byte_copy_of_each_dashboard_in_deploy_grafana()
    {
        // Helm packages only files inside the chart directory, so the chart keeps copies; this test keeps them equal.
        var sources = Dashboards(RepositoryFiles.Path("deploy", "grafana"));
        var copies = Dashboards(ChartDashboards);

        Assert.True(sources.Keys.Order().SequenceEqual(copies.Keys.Order()),
            $"deploy/grafana has [{string.Join(", ", sources.Keys)}], the chart's dashboards/ has [{string.Join(", ", copies.Keys)}]; " +
            "run: cp deploy/grafana/*.json deploy/helm/streamrec/dashboards/");
        foreach (var (name, path) in sources)
        {
            Assert.True(File.ReadAllBytes(path).AsSpan().SequenceEqual(File.ReadAllBytes(copies[name])),
                $"deploy/helm/streamrec/dashboards/{name} differs from deploy/grafana/{name}; run: cp deploy/grafana/*.json deploy/helm/streamrec/dashboards/");
        }
    }

    [Fact]
    public async Task The_dashboard_ConfigMap_holds_each_dashboard_of_the_chart_unchanged_and_is_labelled_for_Grafanas_sidecar()
    {
        // On a copy of the chart with a dashboard of its own, so this holds whatever deploy/grafana has now.
        var chart = CopyChart();
        try
        {
            var dashboard = "{\n  \"title\": \"StreamRec test\",\n  \"panels\": [\n    {\"expr\": \"sum(rate(streamrec_events_consumed_total[5m])) by (stage)\"}\n  ]\n}\n";
            await File.WriteAllTextAsync(Path.Combine(chart, "dashboards", "test-dashboard.json"), dashboard);

            var run = await ChartTools.TryRenderAsync([], ["grafanaDashboard.labels.grafana_folder=streamrec"], chart);
            Assert.True(run.Succeeded, run.Describe());
            var manifests = Manifests.Parse(run.StandardOutput);

            var map = manifests.Single("ConfigMap", $"{ChartVariant.FullName}-dashboard");
            Assert.Equal("1", (string?)map["metadata"]!["labels"]!["grafana_dashboard"]);
            Assert.Equal("streamrec", (string?)map["metadata"]!["labels"]!["grafana_folder"]);
            Assert.Equal(dashboard.TrimEnd('\n'), (string?)map["data"]!["test-dashboard.json"]);
            foreach (var (name, path) in Dashboards(ChartDashboards))
            {
                Assert.Equal((await File.ReadAllTextAsync(path)).TrimEnd('\n'), (string?)map["data"]![name]);
            }

            var off = await ChartTools.TryRenderAsync([], ["grafanaDashboard.enabled=false"], chart);
            Assert.DoesNotContain(Manifests.Parse(off.StandardOutput).OfKind("ConfigMap"), c => Manifests.Name(c).EndsWith("-dashboard", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(chart, recursive: true);
        }
    }

    [Fact]
    public void Every_value_has_a_comment_and_a_row_in_the_chart_README_and_the_README_names_no_other()
    {
        var documented = DocumentedValues(File.ReadAllLines(Path.Combine(ChartTools.ChartDirectory, "values.yaml")), out var undocumented);
        var readme = File.ReadAllText(Path.Combine(ChartTools.ChartDirectory, "README.md"));
        var rows = ReadmeRow().Matches(readme).Select(m => m.Groups[1].Value).ToList();

        Assert.True(undocumented.Count == 0, $"values.yaml keys without a '# --' comment: {string.Join(", ", undocumented)}");
        Assert.True(documented.Count > 100, $"only {documented.Count} documented values found: is the parser right?");
        var missing = documented.Except(rows).ToList();
        Assert.True(missing.Count == 0, $"values missing from the README's values table: {string.Join(", ", missing)}");
        var stale = rows.Except(documented).ToList();
        Assert.True(stale.Count == 0, $"README rows for values that do not exist: {string.Join(", ", stale)}");
    }

    [Fact]
    public void The_values_comment_check_finds_an_undocumented_key()
    {
        string[] lines = ["image:", "  # -- Documented.", "  repository: x", "  tag: \"\"", "# -- A whole block.", "podSecurityContext:", "  runAsNonRoot: true"];

        var documented = DocumentedValues(lines, out var undocumented);

        Assert.Equal(["image.repository", "podSecurityContext"], documented);
        Assert.Equal(["image.tag"], undocumented);
    }

    [Fact]
    public async Task NOTES_say_how_to_create_the_pseudonym_key_Secret_and_how_to_check_the_workers()
    {
        var run = await ChartTools.TryRenderAsync([], [], notes: true);
        Assert.True(run.Succeeded, run.Describe());
        var notes = run.StandardOutput[run.StandardOutput.IndexOf("NOTES:", StringComparison.Ordinal)..];

        Assert.Contains("kubectl -n streamrec create secret generic streamrec-pseudonym-key", notes, StringComparison.Ordinal);
        Assert.Contains("--from-literal=pseudonym-key=\"$(openssl rand -base64 32)\"", notes, StringComparison.Ordinal);
        Assert.Contains("demo-streamrec-embedder: embed (1 replica(s))", notes, StringComparison.Ordinal);
        Assert.Contains("exits with code 2", notes, StringComparison.Ordinal);
        Assert.Contains("port-forward svc/demo-streamrec-ingest 9400", notes, StringComparison.Ordinal);
    }

    /// <summary>
    /// The dotted paths of values.yaml that carry a <c># --</c> comment (a commented key also covers its
    /// subtree); <paramref name="undocumented"/> gets the leaves that no comment covers.
    /// </summary>
    internal static List<string> DocumentedValues(IReadOnlyList<string> lines, out List<string> undocumented)
    {
        var documented = new List<string>();
        undocumented = [];
        var path = new List<(int Indent, string Key, bool Documented)>();
        for (var i = 0; i < lines.Count; i++)
        {
            var match = KeyLine().Match(lines[i]);
            if (!match.Success)
            {
                continue;
            }

            var indent = match.Groups[1].Value.Length;
            while (path.Count > 0 && path[^1].Indent >= indent)
            {
                path.RemoveAt(path.Count - 1);
            }

            var key = match.Groups[2].Value;
            var covered = path.Any(p => p.Documented);
            var commented = CommentAbove(lines, i);
            var full = string.Join('.', path.Select(p => p.Key).Append(key));
            var isLeaf = match.Groups[3].Value.Trim().Length > 0 || !HasChildren(lines, i, indent);
            if (commented)
            {
                documented.Add(full);
            }
            else if (isLeaf && !covered)
            {
                undocumented.Add(full);
            }

            path.Add((indent, key, commented || covered));
        }

        return documented;
    }

    private static bool CommentAbove(IReadOnlyList<string> lines, int index)
    {
        for (var j = index - 1; j >= 0; j--)
        {
            var line = lines[j].Trim();
            if (line.StartsWith("# --", StringComparison.Ordinal))
            {
                return true;
            }

            if (!line.StartsWith('#'))
            {
                return false;
            }
        }

        return false;
    }

    private static bool HasChildren(IReadOnlyList<string> lines, int index, int indent)
    {
        for (var j = index + 1; j < lines.Count; j++)
        {
            var line = lines[j];
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var childIndent = line.Length - line.TrimStart().Length;
            return childIndent > indent || (childIndent == indent && line.TrimStart().StartsWith("- ", StringComparison.Ordinal));
        }

        return false;
    }

    private static Dictionary<string, string> Dashboards(string directory) =>
        Directory.Exists(directory)
            ? Directory.GetFiles(directory, "*.json").ToDictionary(f => Path.GetFileName(f), f => f, StringComparer.Ordinal)
            : [];

    private static string CopyChart()
    {
        var target = Path.Combine(Path.GetTempPath(), $"streamrec-chart-{Guid.NewGuid():N}");
        foreach (var file in Directory.GetFiles(ChartTools.ChartDirectory, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(ChartTools.ChartDirectory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        Directory.CreateDirectory(Path.Combine(target, "dashboards"));
        return target;
    }

    /// <summary>A key line of values.yaml: indentation, key, and what follows the colon.</summary>
    [GeneratedRegex(@"^( *)([A-Za-z0-9_.\-/]+):(.*)$")]
    private static partial Regex KeyLine();

    /// <summary>A row of the README's values table: | `key` | ...</summary>
    [GeneratedRegex(@"^\| `([^`]+)` \|", RegexOptions.Multiline)]
    private static partial Regex ReadmeRow();
}
