using Microsoft.Extensions.Logging.Abstractions;
using StreamRec.DriftDetector.Stage;
using StreamRec.DriftDetector.State;
using StreamRec.IntegrationTests.DriftDetector;
using StreamRec.IntegrationTests.Infrastructure;
using StreamRec.Messaging;
using StreamRec.Observability;
using StreamRec.Storage;

namespace StreamRec.IntegrationTests.Observability;

/// <summary>
/// StreamRec's own metrics, rendered for Prometheus, checked by Prometheus' own promtool. In the Kafka
/// collection although it needs no broker: its drift processor counts into the process-wide counters
/// that the stage tests of that collection read (<see cref="CounterCapture"/>), so it must not run
/// beside them (one CI run saw the drift stage test count these 80 events as its own).
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class PrometheusExpositionTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task The_rendered_metrics_of_a_working_stage_pass_promtool_check_metrics()
    {
        using var scrape = new PrometheusScrape(StreamRecMetrics.MeterName);
        var prefix = UniqueNames.Next("prom") + "-";
        var world = new GenreWorld(prefix, seed: 71);
        var db = redis.Connection.GetDatabase();
        await world.WriteCatalogAsync(db);
        var processor = new DriftProcessor(new DriftDetectorOptions(), new DriftStateStore(db, TimeSpan.FromDays(1)), new ItemCatalogReader(db),
            new TopicNames(), TimeProvider.System, NullLogger.Instance);
        var user = prefix + "user";
        var records = world.Events(user, 40, 0, "Comedy").Concat(world.Events(user, 40, 40, "Horror"))
            .Select((e, i) => GenreWorld.Record("embedded", 0, i, e)).ToList();
        await processor.ProcessAsync(records, CancellationToken.None);
        await processor.CompleteBatchAsync();

        var text = scrape.Collect();

        Assert.Contains("# TYPE streamrec_drift_score histogram", text, StringComparison.Ordinal);
        Assert.Contains("streamrec_drift_score_bucket{le=\"+Inf\"}", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE streamrec_drift_events_applied_total counter", text, StringComparison.Ordinal);
        Assert.Contains("streamrec_redis_call_seconds_bucket{operation=\"state_write\",le=", text, StringComparison.Ordinal);
        Assert.DoesNotContain(user, text, StringComparison.Ordinal); // never a user in a label
        var promtool = await ExternalProcess.RunAsync("promtool", text, TimeSpan.FromSeconds(30), "check", "metrics");
        Assert.True(promtool.ExitCode == 0, $"promtool check metrics exited {promtool.ExitCode}:\n{promtool.StandardOutput}\n{promtool.StandardError}\n--- metrics ---\n{text}");
    }
}
