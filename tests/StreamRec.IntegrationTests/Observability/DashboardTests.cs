using StreamRec.TestSupport;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using StreamRec.IntegrationTests.Infrastructure;

namespace StreamRec.IntegrationTests.Observability;

/// <summary>
/// deploy/grafana/streamrec.json without a Grafana server: its shape against Grafana's published schema
/// types (scripts/check-dashboard.sh, tsc over npm @grafana/schema), its PromQL against Prometheus'
/// own parser (promtool), and the conventions a reader of the dashboard relies on. Whether its queries
/// return data from a real pipeline is <see cref="DashboardScrapeTests"/>.
/// </summary>
public sealed partial class DashboardTests
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromMinutes(5); // the first run installs the npm packages

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    // Readable escapes in the rules file (a quote as \", not \u0022) for promtool's error messages.
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Fact]
    public async Task The_dashboard_type_checks_against_the_published_Grafana_schema()
    {
        var check = await CheckDashboardAsync(GrafanaDashboard.DefaultPath);

        Assert.True(check.ExitCode == 0, $"scripts/check-dashboard.sh exited {check.ExitCode}:\n{check.StandardOutput}\n{check.StandardError}");
    }

    [Theory]
    [InlineData("gridPos.w as a string", "Type 'string' is not assignable to type 'number'")]
    [InlineData("misspelt gridPos", "'\"gridpos\"' does not exist")]
    [InlineData("unknown colour mode", "'\"palete-classic\"' is not assignable")]
    [InlineData("query without expr", "Property 'expr' is missing")]
    public async Task A_dashboard_that_breaks_the_schema_fails_the_type_check(string mutation, string expectedError)
    {
        var copy = GrafanaDashboard.Load().Root.DeepClone().AsObject();
        var panel = copy["panels"]!.AsArray().Select(p => p!.AsObject()).First(p => (string?)p["type"] == "timeseries");
        switch (mutation)
        {
            case "gridPos.w as a string":
                panel["gridPos"]!["w"] = "12";
                break;
            case "misspelt gridPos":
                panel["gridpos"] = panel["gridPos"]!.DeepClone();
                panel.Remove("gridPos");
                break;
            case "unknown colour mode":
                panel["fieldConfig"]!["defaults"]!["color"]!["mode"] = "palete-classic";
                break;
            case "query without expr":
                panel["targets"]![0]!.AsObject().Remove("expr");
                break;
        }

        var path = Path.Combine(Path.GetTempPath(), $"{UniqueNames.Next("dashboard")}.json");
        await File.WriteAllTextAsync(path, copy.ToJsonString(Indented));
        try
        {
            var check = await CheckDashboardAsync(path);

            Assert.True(check.ExitCode != 0, $"the check passed a dashboard with {mutation}:\n{check.StandardOutput}");
            // The failure is tsc's, about the mutated file, and says what is wrong (not, say, a failed install).
            Assert.Contains($"{path}:", check.StandardOutput, StringComparison.Ordinal);
            Assert.Contains(expectedError, check.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Every_query_of_the_dashboard_is_valid_PromQL()
    {
        var dashboard = GrafanaDashboard.Load();
        var expressions = dashboard.Queries.Select(q => GrafanaDashboard.Expand(q.Expr, "5m", dashboard.AllValues()))
            .Concat(dashboard.LabelValuesVariables().Select(v => GrafanaDashboard.Expand(v.Selector, "5m", dashboard.AllValues())))
            .ToList();

        var promtool = await CheckRulesAsync(expressions);

        Assert.True(promtool.ExitCode == 0, $"promtool check rules exited {promtool.ExitCode}:\n{promtool.StandardOutput}\n{promtool.StandardError}");
        Assert.Contains($"SUCCESS: {expressions.Count} rules found", promtool.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_PromQL_check_rejects_a_malformed_expression()
    {
        var promtool = await CheckRulesAsync(["sum(rate(streamrec_events_consumed_total[5m])", "histogram_quantile(0.9, sum by (le) (rate(x_bucket[5m])))"]);

        Assert.NotEqual(0, promtool.ExitCode);
        Assert.Contains("parse error", promtool.StandardOutput + promtool.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_panel_reads_the_datasource_variable_and_states_its_unit_and_purpose()
    {
        var dashboard = GrafanaDashboard.Load();
        var problems = new List<string>();
        var ids = new HashSet<int>();
        var cells = new Dictionary<(int X, int Y), string>();
        foreach (var panel in dashboard.Panels)
        {
            var title = (string?)panel["title"] ?? "(untitled)";
            if (!ids.Add((int)panel["id"]!))
            {
                problems.Add($"\"{title}\": id {panel["id"]} used twice");
            }

            var (x, y, w, h) = ((int)panel["gridPos"]!["x"]!, (int)panel["gridPos"]!["y"]!, (int)panel["gridPos"]!["w"]!, (int)panel["gridPos"]!["h"]!);
            if (x < 0 || w < 1 || x + w > 24)
            {
                problems.Add($"\"{title}\": outside the 24-column grid (x {x}, w {w})");
            }

            foreach (var cell in Enumerable.Range(x, w).SelectMany(cx => Enumerable.Range(y, h).Select(cy => (cx, cy))))
            {
                if (!cells.TryAdd(cell, title))
                {
                    problems.Add($"\"{title}\" overlaps \"{cells[cell]}\" at {cell}");
                    break;
                }
            }

            if ((string?)panel["type"] == "row")
            {
                continue;
            }

            if (string.IsNullOrWhiteSpace((string?)panel["description"]))
            {
                problems.Add($"\"{title}\": no description");
            }

            if (string.IsNullOrWhiteSpace((string?)panel["fieldConfig"]?["defaults"]?["unit"]))
            {
                problems.Add($"\"{title}\": no unit");
            }

            var sources = new[] { panel["datasource"] }.Concat(panel["targets"]?.AsArray().Select(t => t!["datasource"]) ?? []);
            if (sources.Any(s => (string?)s?["uid"] != "${datasource}" || (string?)s?["type"] != "prometheus"))
            {
                problems.Add($"\"{title}\": a data source other than the ${{datasource}} variable");
            }

            if (panel["targets"] is not JsonArray { Count: > 0 })
            {
                problems.Add($"\"{title}\": no query");
            }
        }

        var datasource = dashboard.Variables.SingleOrDefault(v => (string?)v["name"] == "datasource");
        Assert.True(datasource is not null && (string?)datasource["type"] == "datasource" && (string?)datasource["query"] == "prometheus",
            "the dashboard needs a variable 'datasource' of type datasource, query prometheus");
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Every_query_filters_by_job_and_instance_uses_the_rate_interval_and_names_no_user()
    {
        var problems = new List<string>();
        foreach (var query in GrafanaDashboard.Load().Queries)
        {
            foreach (Match selector in Selector().Matches(query.Expr))
            {
                if (!selector.Value.Contains("job=~\"$job\"", StringComparison.Ordinal) || !selector.Value.Contains("instance=~\"$instance\"", StringComparison.Ordinal))
                {
                    problems.Add($"{query}: selector {selector.Value} is not filtered by $job and $instance");
                }
            }

            foreach (Match range in RangeSelector().Matches(query.Expr))
            {
                if (range.Value != "[$__rate_interval]")
                {
                    problems.Add($"{query}: range {range.Value} instead of [$__rate_interval]");
                }
            }

            if (query.Expr.Contains("user", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{query}: mentions a user (no metric label carries one)");
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void The_dashboard_covers_each_area_of_the_pipeline()
    {
        string[] required =
        [
            "streamrec_events_consumed_total", "streamrec_events_forwarded_total", "streamrec_consumer_lag",
            "streamrec_events_dead_lettered_total", "streamrec_embed_batch_size_bucket", "streamrec_embed_seconds_bucket",
            "streamrec_drift_score_bucket", "streamrec_mutations_total", "streamrec_recommendations_published_total",
            "streamrec_privacy_epsilon_spent_total", "streamrec_privacy_budget_exhausted_total",
            "streamrec_event_to_recommendation_seconds_bucket", "streamrec_redis_call_seconds_bucket", "up", "streamrec_ready", "streamrec_stage_restarts_total",
            "dotnet_process_cpu_time_seconds_total", "dotnet_process_memory_working_set_bytes", "dotnet_gc_collections_total",
        ];
        var used = GrafanaDashboard.Load().Queries.SelectMany(q => MetricName().Matches(q.Expr).Select(m => m.Value)).ToHashSet(StringComparer.Ordinal);

        var missing = required.Where(m => !used.Contains(m)).ToList();
        Assert.True(missing.Count == 0, $"no panel queries {string.Join(", ", missing)}");
    }

    private static Task<ExternalProcess> CheckDashboardAsync(string path) =>
        ExternalProcess.RunAsync("bash", null, CheckTimeout, RepositoryFiles.Path("scripts", "check-dashboard.sh"), path);

    /// <summary>promtool check rules over the expressions, each written as a recording rule.</summary>
    private static async Task<ExternalProcess> CheckRulesAsync(IReadOnlyList<string> expressions)
    {
        var rules = new StringBuilder("groups:\n  - name: streamrec-dashboard\n    rules:\n");
        for (var i = 0; i < expressions.Count; i++)
        {
            // A JSON string is a valid YAML double-quoted scalar.
            rules.Append("      - record: streamrec_dashboard:query_").Append(i).Append('\n')
                .Append("        expr: ").Append(JsonSerializer.Serialize(expressions[i], Relaxed)).Append('\n');
        }

        var path = Path.Combine(Path.GetTempPath(), $"{UniqueNames.Next("dashboard-rules")}.yml");
        await File.WriteAllTextAsync(path, rules.ToString());
        try
        {
            return await ExternalProcess.RunAsync("promtool", null, TimeSpan.FromSeconds(60), "check", "rules", path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A series selector's braces (PromQL's only use of them).</summary>
    [GeneratedRegex(@"\{[^{}]*\}")]
    private static partial Regex Selector();

    [GeneratedRegex(@"\[[^\[\]]*\]")]
    private static partial Regex RangeSelector();

    /// <summary>Identifiers that name metrics: those followed by a selector (every query filters by job and instance).</summary>
    [GeneratedRegex(@"[a-zA-Z_:][a-zA-Z0-9_:]*(?=\{)")]
    private static partial Regex MetricName();
}
