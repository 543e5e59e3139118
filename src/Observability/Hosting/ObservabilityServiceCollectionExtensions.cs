using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StreamRec.Messaging.Stages;
using StreamRec.Observability.Health;
using StreamRec.Storage;

namespace StreamRec.Observability.Hosting;

/// <summary>
/// Registers what a StreamRec process needs to be watched: the "Observability" options (validated at
/// start), the meter provider over StreamRec's meter and the .NET runtime's
/// (<see cref="MetricsServiceCollectionExtensions"/>), the readiness monitor and the Redis connection it
/// shares with the stages.
/// </summary>
public static class ObservabilityServiceCollectionExtensions
{
    public static IServiceCollection AddStreamRecObservability(this IServiceCollection services, IConfiguration configuration, ReadinessTargets targets)
    {
        services.AddStageOptions<ObservabilityOptions, ObservabilityOptionsValidator>(configuration, ObservabilityOptions.SectionName);
        services.AddStreamRecMetrics(configuration);
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
