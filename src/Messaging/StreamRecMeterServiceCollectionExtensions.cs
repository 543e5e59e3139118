using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StreamRec.Messaging.Health;

namespace StreamRec.Messaging;

/// <summary>
/// Registers the host's <see cref="StreamRecMetrics"/> (its meter from the host's
/// <see cref="System.Diagnostics.Metrics.IMeterFactory"/>) and <see cref="ConsumerStatusRegistry"/>, once
/// however many stages ask for them.
/// </summary>
public static class StreamRecMeterServiceCollectionExtensions
{
    public static IServiceCollection AddStreamRecMeter(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<StreamRecMetrics>();
        services.TryAddSingleton<ConsumerStatusRegistry>();
        return services;
    }
}
