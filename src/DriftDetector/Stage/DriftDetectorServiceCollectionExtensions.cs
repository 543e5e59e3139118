using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StreamRec.Messaging.Stages;
using StreamRec.Storage;

namespace StreamRec.DriftDetector.Stage;

/// <summary>
/// Registers the drift stage with its options bound from the "DriftDetector" section and validated at
/// start. Like the other stages, it expects the host to configure <c>KafkaOptions</c> and <c>RedisOptions</c>.
/// </summary>
public static class DriftDetectorServiceCollectionExtensions
{
    public static IServiceCollection AddDriftDetectorStage(this IServiceCollection services, IConfiguration configuration) =>
        services.AddStageOptions<DriftDetectorOptions, DriftDetectorOptionsValidator>(configuration, DriftDetectorOptions.SectionName)
            .AddRedisConnection()
            .AddSingleton<DriftMetrics>()
            .AddStageWorker<DriftDetectorWorker>();
}
