using StreamRec.TestSupport;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace StreamRec.IntegrationTests.Observability;

/// <summary>
/// deploy/grafana/streamrec.json read as the tests need it: its panels (rows' nested panels included),
/// every query's PromQL, its template variables, and the PromQL as Grafana would send it to Prometheus
/// (<see cref="Expand"/>).
/// </summary>
internal sealed partial class GrafanaDashboard
{
    public const string RateInterval = "__rate_interval";

    private GrafanaDashboard(JsonObject root)
    {
        Root = root;
        Panels = Flatten(root["panels"]!.AsArray()).ToList();
        Queries = Panels
            .Where(p => p["targets"] is JsonArray)
            .SelectMany(p => p["targets"]!.AsArray().Select(t => new Query(
                (string?)p["title"] ?? "(untitled)", (string?)t!["refId"] ?? "?", (string?)t["expr"] ?? "")))
            .ToList();
        Variables = (root["templating"]?["list"]?.AsArray() ?? []).Select(v => v!.AsObject()).ToList();
    }

    public static string DefaultPath => RepositoryFiles.Path("deploy", "grafana", "streamrec.json");

    public JsonObject Root { get; }

    /// <summary>Every panel, rows included, in order; a collapsed row's panels follow it.</summary>
    public IReadOnlyList<JsonObject> Panels { get; }

    public IReadOnlyList<Query> Queries { get; }

    public IReadOnlyList<JsonObject> Variables { get; }

    public static GrafanaDashboard Load(string? path = null) =>
        new(JsonNode.Parse(File.ReadAllText(path ?? DefaultPath))!.AsObject());

    /// <summary>
    /// The PromQL Grafana sends for <paramref name="expr"/>: <c>$__rate_interval</c> replaced by
    /// <paramref name="rateInterval"/>, each dashboard variable (<c>$name</c>, <c>${name}</c>) by its value in
    /// <paramref name="values"/>. A reference to anything else throws: Grafana would send it unreplaced.
    /// </summary>
    public static string Expand(string expr, string rateInterval, IReadOnlyDictionary<string, string> values) =>
        VariableReference().Replace(expr, match =>
        {
            var name = match.Groups["plain"].Success ? match.Groups["plain"].Value : match.Groups["braced"].Value;
            if (name == RateInterval)
            {
                return rateInterval;
            }

            return values.TryGetValue(name, out var value)
                ? value
                : throw new InvalidOperationException($"'{expr}' refers to ${name}, which is neither a dashboard variable nor $__rate_interval.");
        });

    /// <summary>Every variable set to its "All" value (what the dashboard opens with).</summary>
    public IReadOnlyDictionary<string, string> AllValues() =>
        Variables.Where(v => (string?)v["type"] == "query").ToDictionary(v => (string)v["name"]!, v => (string?)v["allValue"] ?? ".*", StringComparer.Ordinal);

    /// <summary>The query variables' <c>label_values(selector, label)</c> queries, in order.</summary>
    public IEnumerable<(string Name, string Selector, string Label)> LabelValuesVariables()
    {
        foreach (var variable in Variables.Where(v => (string?)v["type"] == "query"))
        {
            var query = variable["query"] is JsonObject q ? (string?)q["query"] : (string?)variable["query"];
            var match = LabelValues().Match(query ?? "");
            Assert.True(match.Success, $"Variable {variable["name"]}: '{query}' is not label_values(selector, label)");
            yield return ((string)variable["name"]!, match.Groups["selector"].Value.Trim(), match.Groups["label"].Value.Trim());
        }
    }

    private static IEnumerable<JsonObject> Flatten(JsonArray panels)
    {
        foreach (var panel in panels.Select(p => p!.AsObject()))
        {
            yield return panel;
            if (panel["panels"] is JsonArray nested)
            {
                foreach (var inner in Flatten(nested))
                {
                    yield return inner;
                }
            }
        }
    }

    [GeneratedRegex(@"\$(?:\{(?<braced>\w+)(?::\w+)?\}|(?<plain>\w+))")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"^\s*label_values\((?<selector>.+),(?<label>[^,()]+)\)\s*$")]
    private static partial Regex LabelValues();

    /// <summary>One query of a panel.</summary>
    public sealed record Query(string Panel, string RefId, string Expr)
    {
        public override string ToString() => $"\"{Panel}\" {RefId}: {Expr}";
    }
}
