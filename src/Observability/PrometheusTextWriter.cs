using System.Globalization;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace StreamRec.Observability;

/// <summary>
/// Renders OpenTelemetry metrics in the Prometheus text exposition format (version 0.0.4): for each
/// metric a HELP and a TYPE line, then one sample per point; histograms as cumulative
/// <c>_bucket{le=...}</c> series plus <c>_sum</c> and <c>_count</c>. Instrument names are StreamRec's
/// Prometheus names already (<c>_total</c>, <c>_seconds</c>), so they are written as they are, only
/// characters outside [a-zA-Z0-9_:] replaced. Needs cumulative temporality (what Prometheus expects).
/// </summary>
public static class PrometheusTextWriter
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>
    /// Instruments the .NET runtime publishes as observable counters although their values go down (a
    /// thread count, a queue length): as counters, every drop would read as a reset to rate().
    /// </summary>
    private static readonly HashSet<string> ReportedAsCountersButGauges = new(StringComparer.Ordinal)
    {
        "dotnet.thread_pool.thread.count", "dotnet.thread_pool.queue.length",
    };

    public static void Write(in Batch<Metric> metrics, StringBuilder output)
    {
        ArgumentNullException.ThrowIfNull(output);
        foreach (var metric in metrics)
        {
            Write(metric, output);
        }
    }

    public static void Write(Metric metric, StringBuilder output)
    {
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(output);
        var counter = metric.MetricType is MetricType.LongSum or MetricType.DoubleSum && !ReportedAsCountersButGauges.Contains(metric.Name);
        var name = MetricName(metric.Name, metric.Unit, counter);
        var type = metric.MetricType switch
        {
            MetricType.LongSum or MetricType.DoubleSum when counter => "counter",
            MetricType.Histogram => "histogram",
            _ => "gauge", // gauges and non-monotonic sums (up-down counters)
        };
        output.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(metric.Description)).Append('\n');
        output.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            var labels = Labels(point.Tags);
            switch (metric.MetricType)
            {
                case MetricType.LongSum:
                case MetricType.LongSumNonMonotonic:
                    Sample(output, name, labels, point.GetSumLong());
                    break;
                case MetricType.DoubleSum:
                case MetricType.DoubleSumNonMonotonic:
                    Sample(output, name, labels, point.GetSumDouble());
                    break;
                case MetricType.LongGauge:
                    Sample(output, name, labels, point.GetGaugeLastValueLong());
                    break;
                case MetricType.DoubleGauge:
                    Sample(output, name, labels, point.GetGaugeLastValueDouble());
                    break;
                case MetricType.Histogram:
                    long cumulative = 0;
                    foreach (var bucket in point.GetHistogramBuckets())
                    {
                        cumulative += bucket.BucketCount;
                        var le = double.IsPositiveInfinity(bucket.ExplicitBound) ? "+Inf" : Number(bucket.ExplicitBound);
                        Sample(output, name + "_bucket", WithLabel(labels, "le", le), cumulative);
                    }

                    Sample(output, name + "_sum", labels, point.GetHistogramSum());
                    Sample(output, name + "_count", labels, point.GetHistogramCount());
                    break;
            }
        }
    }

    private static void Sample(StringBuilder output, string name, string labels, long value) =>
        output.Append(name).Append(labels).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');

    private static void Sample(StringBuilder output, string name, string labels, double value) =>
        output.Append(name).Append(labels).Append(' ').Append(Number(value)).Append('\n');

    private static string Labels(ReadOnlyTagCollection tags)
    {
        var labels = new List<(string Key, string Value)>();
        foreach (var tag in tags)
        {
            labels.Add((Name(tag.Key), Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? ""));
        }

        return labels.Count == 0 ? "" : Render(labels.OrderBy(l => l.Key, StringComparer.Ordinal));
    }

    private static string WithLabel(string labels, string key, string value) =>
        labels.Length == 0 ? $"{{{key}=\"{value}\"}}" : $"{labels[..^1]},{key}=\"{value}\"}}";

    private static string Render(IEnumerable<(string Key, string Value)> labels) =>
        "{" + string.Join(',', labels.Select(l => $"{l.Key}=\"{EscapeLabel(l.Value)}\"")) + "}";

    private static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// The Prometheus name of an instrument. StreamRec's own instruments carry their Prometheus names
    /// already. Others (the runtime's "System.Runtime" meter: <c>dotnet.gc.collections</c>, unit
    /// <c>{collection}</c>) follow OpenTelemetry's Prometheus compatibility rules: dots become
    /// underscores, the unit becomes a suffix (<c>s</c> seconds, <c>By</c> bytes; annotations in braces
    /// are dropped), monotonic counters end in <c>_total</c> and other instruments do not end in
    /// <c>_count</c> (it becomes <c>_number</c>), which is what promtool's lint expects.
    /// </summary>
    public static string MetricName(string name, string? unit, bool monotonicCounter)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.StartsWith("streamrec_", StringComparison.Ordinal))
        {
            return Name(name);
        }

        var converted = Name(name);
        var suffix = unit switch
        {
            "s" => "seconds",
            "ms" => "milliseconds",
            "By" => "bytes",
            "1" => "ratio",
            _ => null, // none, or an annotation such as {thread}
        };
        if (suffix is not null && !converted.EndsWith("_" + suffix, StringComparison.Ordinal))
        {
            converted += "_" + suffix;
        }

        if (monotonicCounter)
        {
            return converted.EndsWith("_total", StringComparison.Ordinal) ? converted : converted + "_total";
        }

        // A gauge named "_count" (dotnet.timer.count) would read as a histogram's count series to
        // Prometheus tooling (promtool lint rejects it).
        return converted.EndsWith("_count", StringComparison.Ordinal) ? converted[..^"_count".Length] + "_number" : converted;
    }

    /// <summary>A legal metric or label name: [a-zA-Z_:][a-zA-Z0-9_:]*.</summary>
    public static string Name(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':' ? c : '_').ToArray();
        return char.IsAsciiDigit(chars[0]) ? "_" + new string(chars) : new string(chars);
    }

    private static string EscapeLabel(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string EscapeHelp(string? value) => (value ?? "").Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
