using System.Diagnostics.Metrics;
using StreamRec.Observability;

namespace StreamRec.UnitTests.Observability;

public sealed class PrometheusTextWriterTests
{
    [Fact]
    public void Counters_histograms_and_gauges_are_rendered_in_the_prometheus_text_format()
    {
        var meterName = $"test-{Guid.NewGuid():N}";
        using var meter = new Meter(meterName);
        using var scrape = new PrometheusScrape(meterName);
        var counter = meter.CreateCounter<long>("demo_events_total", description: "Events seen.");
        var histogram = meter.CreateHistogram<double>("demo_latency_seconds", unit: "s", description: "Latency.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1] });
        var level = 7.5;
        meter.CreateObservableGauge("demo_level", () => level, description: "A level\\with a backslash.");
        counter.Add(3, new KeyValuePair<string, object?>("stage", "ingest"));
        counter.Add(2, new KeyValuePair<string, object?>("stage", "ingest"));
        counter.Add(1, new KeyValuePair<string, object?>("stage", "say \"hi\"\n"));
        foreach (var value in new[] { 0.05, 0.5, 0.7, 3.0 })
        {
            histogram.Record(value);
        }

        var lines = scrape.Collect().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(
        [
            "# HELP demo_events_total Events seen.",
            "# TYPE demo_events_total counter",
            "demo_events_total{stage=\"ingest\"} 5",
            "demo_events_total{stage=\"say \\\"hi\\\"\\n\"} 1",
            "# HELP demo_latency_seconds Latency.",
            "# TYPE demo_latency_seconds histogram",
            "demo_latency_seconds_bucket{le=\"0.1\"} 1",
            "demo_latency_seconds_bucket{le=\"1\"} 3",
            "demo_latency_seconds_bucket{le=\"+Inf\"} 4",
            "demo_latency_seconds_sum 4.25",
            "demo_latency_seconds_count 4",
            "# HELP demo_level A level\\\\with a backslash.",
            "# TYPE demo_level gauge",
            "demo_level 7.5",
        ], lines);

        // Cumulative: a second scrape after more events shows the totals, not the increments.
        counter.Add(10, new KeyValuePair<string, object?>("stage", "ingest"));
        Assert.Contains("demo_events_total{stage=\"ingest\"} 15", scrape.Collect().Split('\n'));
    }

    [Fact]
    public void Names_outside_the_prometheus_alphabet_are_made_legal()
    {
        Assert.Equal("a_b_c", PrometheusTextWriter.Name("a.b-c"));
        Assert.Equal("_9lives", PrometheusTextWriter.Name("9lives"));
        Assert.Equal("ok:name_1", PrometheusTextWriter.Name("ok:name_1"));
    }

    [Theory]
    [InlineData("streamrec_embed_seconds", "s", false, "streamrec_embed_seconds")] // ours: already Prometheus names
    [InlineData("streamrec_events_consumed_total", null, true, "streamrec_events_consumed_total")]
    [InlineData("dotnet.process.cpu.time", "s", true, "dotnet_process_cpu_time_seconds_total")]
    [InlineData("dotnet.gc.heap.total_allocated", "By", true, "dotnet_gc_heap_total_allocated_bytes_total")]
    [InlineData("dotnet.process.memory.working_set", "By", false, "dotnet_process_memory_working_set_bytes")]
    [InlineData("dotnet.gc.collections", "{collection}", true, "dotnet_gc_collections_total")]
    [InlineData("dotnet.timer.count", "{timer}", false, "dotnet_timer_number")]
    public void Other_meters_names_follow_the_opentelemetry_prometheus_conventions(string name, string? unit, bool counter, string expected) =>
        Assert.Equal(expected, PrometheusTextWriter.MetricName(name, unit, counter));
}
