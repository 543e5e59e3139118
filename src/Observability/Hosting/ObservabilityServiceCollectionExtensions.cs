using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using StreamRec.Messaging;
using StreamRec.Messaging.Stages;
using StreamRec.Observability.Health;

namespace StreamRec.Observability.Hosting;

/// <summary>
/// Registers what a StreamRec process needs to be watched: the "Observability" options (validated at
/// start), the Prometheus scrape over StreamRec's meter and the .NET runtime's ("System.Runtime": GC,
/// CPU, memory, thread pool, exceptions), the readiness monitor, and optionally an OTLP exporter of the
/// same meters.
/// </summary>
public static class ObservabilityServiceCollectionExtensions
{
    /// <summary>The meters exposed: StreamRec's own and the runtime's built-in one.</summary>
    public static IReadOnlyList<string> Meters { get; } = [StreamRecMetrics.MeterName, "System.Runtime"];

    public static IServiceCollection AddStreamRecObservability(this IServiceCollection services, IConfiguration configuration, ReadinessTargets targets)
    {
        services.AddStageOptions<ObservabilityOptions, ObservabilityOptionsValidator>(configuration, ObservabilityOptions.SectionName);
        services.TryAddSingleton(_ => new PrometheusScrape([.. Meters]));
        services.AddSingleton(targets);
        services.AddSingleton<ReadinessMonitor>();
        services.AddHostedService(provider => provider.GetRequiredService<ReadinessMonitor>());
        services.AddHostedService<OtlpExport>();
        return services;
    }

    /// <summary>The OTLP export, when <c>Observability:Otlp:Endpoint</c> is set: a periodic reader of its own, delta-free (cumulative) like Prometheus.</summary>
    private sealed class OtlpExport(IOptions<ObservabilityOptions> options) : IHostedService, IDisposable
    {
        private MeterProvider? _provider;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            var otlp = options.Value.Otlp;
            if (!otlp.Enabled)
            {
                return Task.CompletedTask;
            }

            var builder = Sdk.CreateMeterProviderBuilder();
            foreach (var meter in Meters)
            {
                builder.AddMeter(meter);
            }

            _provider = builder.AddOtlpExporter((exporter, reader) =>
            {
                exporter.Endpoint = new Uri(otlp.Endpoint);
                exporter.Protocol = otlp.Protocol == OtlpExportOptions.HttpProtobuf ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
                exporter.Headers = otlp.Headers;
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)otlp.ExportInterval.TotalMilliseconds;
                reader.TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
            }).Build();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            _provider?.ForceFlush(timeoutMilliseconds: 5000);
            return Task.CompletedTask;
        }

        public void Dispose() => _provider?.Dispose();
    }
}
