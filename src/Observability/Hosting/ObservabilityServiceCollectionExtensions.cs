using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StreamRec.Messaging.Stages;
using StreamRec.Observability.Health;
using StreamRec.Storage;

namespace StreamRec.Observability.Hosting;

/// <summary>
/// Registers what a StreamRec process needs to be watched: the "Observability" options (validated at
/// start), the Prometheus scrape over StreamRec's meter and the .NET runtime's ("System.Runtime": GC,
/// CPU, memory, thread pool, exceptions), the readiness monitor, and optionally an OTLP exporter of the
/// same meters.
/// </summary>
public static class ObservabilityServiceCollectionExtensions
{
    public static IServiceCollection AddStreamRecObservability(this IServiceCollection services, IConfiguration configuration, ReadinessTargets targets)
    {
        services.AddStageOptions<ObservabilityOptions, ObservabilityOptionsValidator>(configuration, ObservabilityOptions.SectionName);
        services.TryAddSingleton<MetricsPipeline>();
        // A hosted service, so the meter providers exist once the host starts, before any stage counts
        // anything (created at the first scrape, they would miss what happened before it).
        services.AddHostedService(provider => provider.GetRequiredService<MetricsPipeline>());
        services.AddSingleton(targets);
        if (targets.NeedsRedis)
        {
            services.AddRedisConnection();
        }

        services.AddSingleton<ReadinessMonitor>();
        services.AddHostedService(provider => provider.GetRequiredService<ReadinessMonitor>());
        return services;
    }
}
