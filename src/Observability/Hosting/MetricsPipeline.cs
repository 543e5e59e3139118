using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using StreamRec.Messaging;

namespace StreamRec.Observability.Hosting;

/// <summary>
/// The process's metric readers: the Prometheus scrape behind <c>/metrics</c> and, when
/// <c>Observability:Otlp:Endpoint</c> is set, a periodic OTLP export of the same meters (cumulative,
/// like Prometheus). Both are created with the host, before the stages start, and the OTLP one is
/// flushed when it stops.
/// </summary>
public sealed class MetricsPipeline : IHostedService, IDisposable
{
    private readonly MeterProvider? _otlp;

    public MetricsPipeline(IOptions<ObservabilityOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Scrape = new PrometheusScrape([.. Meters]);
        var otlp = options.Value.Otlp;
        if (otlp.Enabled)
        {
            var builder = Sdk.CreateMeterProviderBuilder();
            foreach (var meter in Meters)
            {
                builder.AddMeter(meter);
            }

            _otlp = builder.AddOtlpExporter((exporter, reader) =>
            {
                exporter.Endpoint = new Uri(otlp.Endpoint);
                exporter.Protocol = otlp.Protocol == OtlpExportOptions.HttpProtobuf ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
                exporter.Headers = otlp.Headers;
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)otlp.ExportInterval.TotalMilliseconds;
                reader.TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
            }).Build();
        }
    }

    /// <summary>The meters exposed: StreamRec's own and the runtime's built-in one (GC, CPU, memory, thread pool, exceptions).</summary>
    public static IReadOnlyList<string> Meters { get; } = [StreamRecMetrics.MeterName, "System.Runtime"];

    public PrometheusScrape Scrape { get; }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _otlp?.ForceFlush(timeoutMilliseconds: 5000);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _otlp?.Dispose();
        Scrape.Dispose();
    }
}
