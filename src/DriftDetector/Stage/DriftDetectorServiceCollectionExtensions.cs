using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StreamRec.Messaging;
using StreamRec.Messaging.Stages;
using StreamRec.Storage;

namespace StreamRec.DriftDetector.Stage;

/// <summary>
/// Registers the drift stage with its options bound from the "DriftDetector" section and validated at
/// start. Like the other stages, it expects the host to configure <c>KafkaOptions</c> and <c>RedisOptions</c>.
/// </summary>
public static class DriftDetectorServiceCollectionExtensions
{
    /// <remarks><c>worker</c>: False when the stage runs in a fused chain: its options and metrics only, no worker of its own.</remarks>
    public static IServiceCollection AddDriftDetectorStage(this IServiceCollection services, IConfiguration configuration, bool worker = true)
    {
        services.AddStageOptions<DriftDetectorOptions, DriftDetectorOptionsValidator>(configuration, DriftDetectorOptions.SectionName)
            .AddRedisConnection()
            .AddStreamRecMeter()
            .TryAddSingleton<DriftMetrics>();
        return worker ? services.AddStageWorker<DriftDetectorWorker>() : services;
    }
}
