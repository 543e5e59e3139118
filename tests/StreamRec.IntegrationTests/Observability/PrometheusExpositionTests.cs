using Microsoft.Extensions.Logging.Abstractions;
using StreamRec.DriftDetector.Stage;
using StreamRec.DriftDetector.State;
using StreamRec.IntegrationTests.DriftDetector;
using StreamRec.IntegrationTests.Infrastructure;
using StreamRec.Messaging;
using StreamRec.Storage;
using StreamRec.TestSupport;

namespace StreamRec.IntegrationTests.Observability;

/// <summary>
/// StreamRec's metrics as a worker's <c>/metrics</c> serves them, checked by Prometheus' own promtool. The
/// drift processor counts on the host's own meter, so the stage tests running beside it see none of it.
/// </summary>
public sealed class PrometheusExpositionTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task The_metrics_served_while_a_stage_works_pass_promtool_check_metrics_and_name_no_user()
    {
        await using var host = await MetricsTestHost.StartAsync();
        var prefix = UniqueNames.Next("prom") + "-";
        var world = new GenreWorld(prefix, seed: 71);
        var db = redis.Connection.GetDatabase();
        await world.WriteCatalogAsync(db);
        var processor = new DriftProcessor(new DriftDetectorOptions(), new DriftStateStore(db, TimeSpan.FromDays(1)), new ItemCatalogReader(db),
            new TopicNames(), new DriftMetrics(host.Metrics), TimeProvider.System, NullLogger.Instance);
        var user = prefix + "user";
        var records = world.Events(user, 40, 0, "Comedy").Concat(world.Events(user, 40, 40, "Horror"))
            .Select((e, i) => GenreWorld.Record("embedded", 0, i, e)).ToList();
        await processor.ProcessAsync(records, CancellationToken.None);
        await processor.CompleteBatchAsync();

        var text = await host.ScrapeAsync();

        Assert.Contains("# TYPE streamrec_drift_score histogram", text, StringComparison.Ordinal);
        Assert.Matches(@"streamrec_drift_score_bucket\{[^}]*le=""\+Inf""\} [1-9]", text);
        Assert.Contains("# TYPE streamrec_drift_events_applied_total counter", text, StringComparison.Ordinal);
        Assert.Matches(@"streamrec_redis_call_seconds_bucket\{[^}]*operation=""state_write"",le=""0.0005""\}", text);
        Assert.DoesNotContain(user, text, StringComparison.Ordinal); // never a user in a label
        Assert.DoesNotContain(prefix, text, StringComparison.Ordinal);
        var promtool = await ExternalProcess.RunAsync("promtool", text, TimeSpan.FromSeconds(30), "check", "metrics");
        Assert.True(promtool.ExitCode == 0, $"promtool check metrics exited {promtool.ExitCode}:\n{promtool.StandardOutput}\n{promtool.StandardError}\n--- metrics ---\n{text}");
    }
}
