using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.RegularExpressions;
using StreamRec.DriftDetector.Stage;
using StreamRec.Embedder.Embedding;
using StreamRec.Recommender.Stage;
using StreamRec.TestSupport;

namespace StreamRec.UnitTests.Observability;

/// <summary>
/// What StreamRec owns of <c>/metrics</c>, as a worker serves it (OpenTelemetry's Prometheus exporter
/// renders the format): its instruments' names, types, HELP text and histogram buckets.
/// </summary>
public sealed partial class MetricsEndpointTests
{
    private static readonly KeyValuePair<string, object?> StateWrite = new("operation", "state_write");

    [Fact]
    public async Task Histograms_in_seconds_are_served_with_second_scale_buckets()
    {
        await using var host = await MetricsTestHost.StartAsync();
        new DriftMetrics(host.Metrics).RedisSeconds.Record(0.002, StateWrite);
        new EmbedderMetrics(host.Metrics).Seconds.Record(0.0003);
        new RecommenderMetrics(host.Metrics).EventToRecommendation.Record(0.2);

        var text = await host.ScrapeAsync();

        Assert.Equal(["0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "1", "+Inf"],
            Bounds(text, "streamrec_redis_call_seconds", "operation=\"state_write\""));
        Assert.Equal(["1E-05", "2.5E-05", "5E-05", "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "1", "+Inf"],
            Bounds(text, "streamrec_embed_seconds", null).Select(Normalise));
        Assert.Equal(["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "30", "+Inf"],
            Bounds(text, "streamrec_event_to_recommendation_seconds", null));
        // A value lands in its bucket: 0.002 s is above 1 ms and at or below 2.5 ms.
        Assert.Matches(@"streamrec_redis_call_seconds_bucket\{[^}]*le=""0.001""\} (\d+)", text);
        Assert.True(Bucket(text, "streamrec_redis_call_seconds", "0.0025") > Bucket(text, "streamrec_redis_call_seconds", "0.001"));
    }

    [Fact]
    public async Task Unitless_histograms_keep_their_own_buckets()
    {
        await using var host = await MetricsTestHost.StartAsync();
        new DriftMetrics(host.Metrics).Score.Record(1.2);
        new EmbedderMetrics(host.Metrics).BatchSize.Record(32);

        var text = await host.ScrapeAsync();

        Assert.Equal(["-2", "-1", "0", "0.5", "1", "1.5", "2", "3", "4", "6", "10", "+Inf"], Bounds(text, "streamrec_drift_score", null));
        Assert.Equal(["1", "2", "4", "8", "16", "32", "64", "128", "256", "512", "1024", "2048", "4096", "+Inf"], Bounds(text, "streamrec_embed_batch_size", null));
    }

    [Fact]
    public async Task StreamRec_instruments_are_served_under_their_Prometheus_names_with_their_help_text()
    {
        await using var host = await MetricsTestHost.StartAsync();
        var stage = new KeyValuePair<string, object?>("stage", "metrics-endpoint-test");
        var metrics = host.Metrics;
        var drift = new DriftMetrics(metrics);
        var recommender = new RecommenderMetrics(metrics);
        metrics.EventsConsumed.Add(0, stage);
        metrics.StageRestarts.Add(0, stage, new KeyValuePair<string, object?>("reason", "redis"));
        recommender.EpsilonSpent.Add(0);
        drift.RedisSeconds.Record(0.001, StateWrite);
        drift.Score.Record(0.5);

        var text = await host.ScrapeAsync();

        foreach (var (instrument, type) in new (Instrument, string)[]
        {
            (metrics.EventsConsumed, "counter"),
            (metrics.StageRestarts, "counter"),
            (recommender.EpsilonSpent, "counter"),
            (drift.RedisSeconds, "histogram"),
            (drift.Score, "histogram"),
        })
        {
            Assert.Contains($"# TYPE {instrument.Name} {type}\n", text, StringComparison.Ordinal);
            Assert.Contains($"# HELP {instrument.Name} {instrument.Description}\n", text, StringComparison.Ordinal);
        }

        // Counters exported at zero have their series: a query over them has a value before the first event.
        Assert.Matches(@"(?m)^streamrec_events_consumed_total\{[^}]*stage=""metrics-endpoint-test""[^}]*\} \d+$", text);
    }

    [Fact]
    public async Task Runtime_counts_that_go_down_are_gauges_that_do_not_end_in_count()
    {
        await using var host = await MetricsTestHost.StartAsync();

        var text = await host.ScrapeAsync();

        Assert.Contains("# TYPE dotnet_thread_pool_thread_number gauge\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE dotnet_process_cpu_time_seconds_total counter\n", text, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"(?m)^# TYPE \S+_count (gauge|counter)$", text);
    }

    /// <summary>The <c>le</c> values of a histogram's buckets, in the order served (the series with <paramref name="label"/>, or the only one).</summary>
    private static List<string> Bounds(string text, string family, string? label) =>
    [
        .. BucketLine().Matches(text)
            .Where(m => m.Groups["family"].Value == family && (label is null || m.Groups["labels"].Value.Contains(label, StringComparison.Ordinal)))
            .Select(m => m.Groups["le"].Value),
    ];

    private static long Bucket(string text, string family, string le) =>
        BucketLine().Matches(text).Where(m => m.Groups["family"].Value == family && m.Groups["le"].Value == le)
            .Sum(m => long.Parse(m.Groups["count"].Value, CultureInfo.InvariantCulture));

    /// <summary>A bound as the shortest round-trip text of its double, whichever notation the exporter chose.</summary>
    private static string Normalise(string le) =>
        le == "+Inf" ? le : double.Parse(le, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"(?m)^(?<family>[a-z_]+)_bucket\{(?<labels>[^}]*?),?le=""(?<le>[^""]+)""\} (?<count>\d+)$")]
    private static partial Regex BucketLine();
}
