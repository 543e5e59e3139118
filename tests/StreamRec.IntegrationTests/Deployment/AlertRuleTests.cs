namespace StreamRec.IntegrationTests.Deployment;

/// <summary>
/// The chart's PrometheusRule, as rendered, run by Prometheus' own rule engine (<c>promtool test
/// rules</c>) over synthetic series: each alert fires on its condition, with the labels and the
/// annotation text an operator will read, and stays silent on the look-alikes (a high but steady lag,
/// a normal dead-letter share, a steady exhaustion rate, a single stage restart, another namespace).
/// </summary>
public sealed class AlertRuleTests
{
    private const string Team = "team: recommendations, severity: warning";

    [Fact]
    public async Task The_rules_pass_promtool_check_rules()
    {
        using var rules = await RulesAsync();

        var check = await ChartTools.RunAsync("promtool", null, ["check", "rules", rules.Path]);

        Assert.True(check.Succeeded, check.Describe());
        Assert.Contains("SUCCESS: 6 rules found", check.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_alert_fires_on_its_condition_and_not_on_a_look_alike()
    {
        var run = await RuleTestAsync($$"""
              - interval: 1m
                input_series:
                  # Lag: ingest grows by 1,000 records a minute; embed is high but steady; drift grows in another namespace.
                  - series: 'streamrec_consumer_lag{namespace="streamrec",service="demo-streamrec-ingest",stage="ingest",topic="t",partition="0"}'
                    values: '0+1000x60'
                  - series: 'streamrec_consumer_lag{namespace="streamrec",service="demo-streamrec-embedder",stage="embed",topic="t",partition="0"}'
                    values: '20000x60'
                  - series: 'streamrec_consumer_lag{namespace="elsewhere",service="demo-streamrec-drift-detector",stage="drift",topic="t",partition="0"}'
                    values: '0+1000x60'
                  # Dead letters: 10% of ingest's events, 0.17% of the embedder's.
                  - series: 'streamrec_events_consumed_total{namespace="streamrec",service="demo-streamrec-ingest",stage="ingest"}'
                    values: '0+600x60'
                  - series: 'streamrec_events_dead_lettered_total{namespace="streamrec",service="demo-streamrec-ingest",stage="ingest",reason="invalid_json"}'
                    values: '0+60x60'
                  - series: 'streamrec_events_consumed_total{namespace="streamrec",service="demo-streamrec-embedder",stage="embed"}'
                    values: '0+600x60'
                  - series: 'streamrec_events_dead_lettered_total{namespace="streamrec",service="demo-streamrec-embedder",stage="embed",reason="bad_item"}'
                    values: '0+1x60'
                  # Readiness: the embedder Deployment has no ready pod; ingest has all; a drift pod fails its Redis check.
                  - series: 'kube_deployment_status_replicas_available{namespace="streamrec",deployment="demo-streamrec-embedder"}'
                    values: '0x60'
                  - series: 'kube_deployment_spec_replicas{namespace="streamrec",deployment="demo-streamrec-embedder"}'
                    values: '1x60'
                  - series: 'kube_deployment_status_replicas_available{namespace="streamrec",deployment="demo-streamrec-ingest"}'
                    values: '2x60'
                  - series: 'kube_deployment_spec_replicas{namespace="streamrec",deployment="demo-streamrec-ingest"}'
                    values: '2x60'
                  - series: 'streamrec_ready{namespace="streamrec",service="demo-streamrec-drift-detector",pod="demo-streamrec-drift-detector-7d9f-x2",check="redis"}'
                    values: '0x60'
                  - series: 'streamrec_ready{namespace="streamrec",service="demo-streamrec-drift-detector",pod="demo-streamrec-drift-detector-7d9f-x2",check="kafka"}'
                    values: '1x60'
                  # Restarts: drift restarts after a Redis failure every minute; ingest once (a routine Redis restart).
                  - series: 'streamrec_stage_restarts_total{namespace="streamrec",service="demo-streamrec-drift-detector",pod="demo-streamrec-drift-detector-7d9f-x2",stage="drift",reason="redis"}'
                    values: '0+1x60'
                  - series: 'streamrec_stage_restarts_total{namespace="streamrec",service="demo-streamrec-ingest",pod="demo-streamrec-ingest-5c8b-q7",stage="ingest",reason="redis"}'
                    values: '0x10 1x50'
                  - series: 'streamrec_stage_restarts_total{namespace="streamrec",service="demo-streamrec-ingest",pod="demo-streamrec-ingest-5c8b-q7",stage="ingest",reason="kafka"}'
                    values: '0x60'
                alert_rule_test:
                  - eval_time: 40m
                    alertname: StreamRecConsumerLagGrowing
                    exp_alerts:
                      - exp_labels: { stage: ingest, {{Team}} }
                        exp_annotations:
                          summary: StreamRec stage ingest is falling behind
                          description: "Consumer lag of stage ingest is 40k records and still growing over 10m: the stage consumes slower than producers write. See docs/operations.md, StreamRecConsumerLagGrowing."
                  - eval_time: 20m
                    alertname: StreamRecConsumerLagGrowing # above the threshold since 10m, not yet for 15m
                  - eval_time: 30m
                    alertname: StreamRecDeadLetterRateHigh
                    exp_alerts:
                      - exp_labels: { stage: ingest, {{Team}} }
                        exp_annotations:
                          summary: StreamRec stage ingest dead-letters many events
                          description: "10% of the events stage ingest consumed over 5 minutes went to the dead-letter topic (threshold 0.01). The reason label of streamrec_events_dead_lettered_total says why. See docs/operations.md, StreamRecDeadLetterRateHigh."
                  - eval_time: 30m
                    alertname: StreamRecPodsNotReady
                    exp_alerts:
                      - exp_labels: { namespace: streamrec, deployment: demo-streamrec-embedder, {{Team}} }
                        exp_annotations:
                          summary: StreamRec Deployment demo-streamrec-embedder has pods that are not ready
                          description: "demo-streamrec-embedder has had fewer ready replicas than desired for 10m (kube-state-metrics). /readyz of its pods says which check fails. See docs/operations.md, StreamRecPodsNotReady."
                  - eval_time: 30m
                    alertname: StreamRecStageRestarting
                    exp_alerts:
                      - exp_labels: { stage: drift, reason: redis, {{Team}} }
                        exp_annotations:
                          summary: StreamRec stage drift keeps restarting
                          description: "Stage drift restarted itself about 15 times in 15m after transient redis failures: its redis connection keeps failing, and each restart replays uncommitted records and rebalances the group. See docs/operations.md, StreamRecStageRestarting."
                  - eval_time: 6m
                    alertname: StreamRecStageRestarting # 3 restarts since 3m: not yet for 5m
                  - eval_time: 30m
                    alertname: StreamRecReadinessCheckFailing
                    exp_alerts:
                      - exp_labels: { pod: demo-streamrec-drift-detector-7d9f-x2, check: redis, {{Team}} }
                        exp_annotations:
                          summary: StreamRec pod demo-streamrec-drift-detector-7d9f-x2 fails its redis readiness check
                          description: "Readiness check redis of demo-streamrec-drift-detector-7d9f-x2 has failed for 10m (Kafka unreachable, no partitions assigned, or Redis not answering). See docs/operations.md, StreamRecPodsNotReady."
              - interval: 1m
                input_series:
                  # Budget exhaustion: none for almost 7 hours, then 2 per second.
                  - series: 'streamrec_privacy_budget_exhausted_total{namespace="streamrec",service="demo-streamrec-recommender"}'
                    values: '0x400 0+120x40'
                alert_rule_test:
                  - eval_time: 430m
                    alertname: StreamRecPrivacyBudgetExhaustionSpike
                    exp_alerts:
                      - exp_labels: { {{Team}} }
                        exp_annotations:
                          summary: StreamRec users exhaust their privacy budget much more often than usual
                          description: "2 releases per second are refused for an exhausted privacy budget, more than 3 times the rate of the 6 hours before: many more mutations per user than usual (a drift-detector setting, a replay, or abuse). See docs/operations.md, StreamRecPrivacyBudgetExhaustionSpike."
              - interval: 1m
                input_series:
                  # The same 2 per second, but for 7 hours: the usual rate, no spike.
                  - series: 'streamrec_privacy_budget_exhausted_total{namespace="streamrec",service="demo-streamrec-recommender"}'
                    values: '0+120x440'
                alert_rule_test:
                  - eval_time: 430m
                    alertname: StreamRecPrivacyBudgetExhaustionSpike
            """);

        Assert.True(run.Succeeded, run.Describe());
    }

    [Fact]
    public async Task A_wrong_expectation_fails_the_rule_test()
    {
        // The harness above can fail: expecting the steady lag of the embedder to alert is refused.
        var run = await RuleTestAsync($$"""
              - interval: 1m
                input_series:
                  - series: 'streamrec_consumer_lag{namespace="streamrec",service="demo-streamrec-embedder",stage="embed",topic="t",partition="0"}'
                    values: '20000x60'
                alert_rule_test:
                  - eval_time: 40m
                    alertname: StreamRecConsumerLagGrowing
                    exp_alerts:
                      - exp_labels: { stage: embed, {{Team}} }
            """);

        Assert.False(run.Succeeded, run.Describe());
        Assert.Contains("StreamRecConsumerLagGrowing", run.StandardOutput + run.StandardError, StringComparison.Ordinal);
    }

    /// <summary>Runs <c>promtool test rules</c> on the chart's rules with the given <c>tests:</c> entries (indented as under that key).</summary>
    private static async Task<ToolRun> RuleTestAsync(string tests)
    {
        using var rules = await RulesAsync();
        var file = Path.Combine(Path.GetDirectoryName(rules.Path)!, "rules.test.yaml");
        await File.WriteAllTextAsync(file, $"""
            rule_files: [{Path.GetFileName(rules.Path)}]
            evaluation_interval: 1m
            tests:

            """ + tests);
        return await ChartTools.RunAsync("promtool", null, ["test", "rules", file]);
    }

    /// <summary>The rules of the ServiceMonitor variant's PrometheusRule (release demo, namespace streamrec), written for promtool.</summary>
    private static async Task<TemporaryFile> RulesAsync()
    {
        var manifests = await ChartTools.RenderAsync(ChartVariant.ServiceMonitor);
        var rule = manifests.Single("PrometheusRule", ChartVariant.FullName);
        var file = new TemporaryFile("rules.json");
        await File.WriteAllTextAsync(file.Path, rule["spec"]!.ToJsonString()); // JSON is YAML to promtool
        return file;
    }

    private sealed class TemporaryFile : IDisposable
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("streamrec-alerts-").FullName;

        public TemporaryFile(string name) => Path = System.IO.Path.Combine(_directory, name);

        public string Path { get; }

        public void Dispose() => Directory.Delete(_directory, recursive: true);
    }
}
