using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using StreamRec.Messaging;

namespace StreamRec.Observability.Hosting;

/// <summary>
/// The host's meter provider (OpenTelemetry's hosting extensions: created when the host starts,
/// before the stages count anything, flushed when it stops): StreamRec's meter and the .NET runtime's,
/// read by the Prometheus exporter behind <c>/metrics</c> at each scrape and, when
/// <c>Observability:Otlp:Endpoint</c> is set, exported by OTLP as well (cumulative, like Prometheus).
/// <para>
/// The meters are enabled through the host's metrics builder (<c>IMetricsBuilder.EnableMetrics</c>), not
/// OpenTelemetry's <c>AddMeter</c>: OpenTelemetry then listens through the host's
/// <c>IMetricsListener</c>, which sees the meters of this host's <c>IMeterFactory</c> (and global ones
/// such as the runtime's), never another host's. <c>AddMeter</c> would subscribe by name across the
/// whole process, so two hosts in one process (tests) would export each other's counts.
/// </para>
/// </summary>
public static class MetricsServiceCollectionExtensions
{
    /// <summary>The meters exposed: StreamRec's own and the runtime's built-in one (GC, CPU, memory, thread pool, exceptions).</summary>
    public static IReadOnlyList<string> Meters { get; } = [StreamRecMetrics.MeterName, "System.Runtime"];

    public static IServiceCollection AddStreamRecMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        // Whether to export is decided while the services are registered, before the options are
        // validated: a value that does not bind is left to the validator to report.
        var otlp = new OtlpExportOptions();
        try
        {
            configuration.GetSection($"{ObservabilityOptions.SectionName}:Otlp").Bind(otlp);
        }
        catch (InvalidOperationException)
        {
            otlp = new OtlpExportOptions();
        }

        services.AddStreamRecMeter();
        services.AddMetrics(builder =>
        {
            foreach (var meter in Meters)
            {
                builder.EnableMetrics(meter);
            }
        });
        services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics.AddView(CountsThatGoDown);
            // Scrapes see the values of the moment, not a copy kept for a while (the default 300 ms):
            // a stage's counters at 0 right after it starts, a test's event right after it happens.
            metrics.AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
            if (otlp.Enabled)
            {
                metrics.AddOtlpExporter((exporter, reader) =>
                {
                    exporter.Endpoint = new Uri(otlp.Endpoint);
                    exporter.Protocol = otlp.Protocol == OtlpExportOptions.HttpProtobuf ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
                    exporter.Headers = otlp.Headers;
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)otlp.ExportInterval.TotalMilliseconds;
                    reader.TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
                });
            }
        });
        return services;
    }

    /// <summary>
    /// The runtime's counts that are no counters (<c>dotnet.thread_pool.thread.count</c>,
    /// <c>dotnet.assembly.count</c>, <c>dotnet.process.cpu.count</c>, <c>dotnet.timer.count</c>) are
    /// exported as <c>..._number</c>: a gauge named <c>..._count</c> reads as a histogram's count series to
    /// Prometheus tooling, and promtool's lint rejects it.
    /// </summary>
    private static MetricStreamConfiguration? CountsThatGoDown(Instrument instrument) =>
        instrument.Name.EndsWith(".count", StringComparison.Ordinal) && !IsMonotonic(instrument)
            ? new MetricStreamConfiguration { Name = instrument.Name[..^".count".Length] + ".number" }
            : null;

    private static bool IsMonotonic(Instrument instrument) =>
        instrument.GetType() is { IsGenericType: true } type
        && (type.GetGenericTypeDefinition() == typeof(Counter<>) || type.GetGenericTypeDefinition() == typeof(ObservableCounter<>));
}
