using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StreamRec.Messaging.Stages;
using StreamRec.Recommender.Billboard;
using StreamRec.Storage;

namespace StreamRec.Recommender.Stage;

/// <summary>
/// Registers the recommend stage with its options bound from the "Recommender" section (a mistyped key
/// is an error) and validated at start, and the billboard (Recommender:Billboard) in the same process. The host configures <c>KafkaOptions</c> and <c>RedisOptions</c>.
/// </summary>
public static class RecommenderServiceCollectionExtensions
{
    /// <remarks><c>fused</c>:
    /// True when the stage runs in a fused chain, which then runs the mutation-triggered releases and the
    /// billboard: only the schedule mode's worker (it has no input) is registered.
    /// </remarks>
    public static IServiceCollection AddRecommenderStage(this IServiceCollection services, IConfiguration configuration, bool fused = false)
    {
        services.AddStageOptions<RecommenderOptions, RecommenderOptionsValidator>(configuration, RecommenderOptions.SectionName)
            .AddRedisConnection()
            .TryAddSingleton<RecommenderMetrics>();
        services.AddStageWorker<ScheduledRecommenderWorker>();
        return fused
            ? services
            : services.AddStageWorker<RecommenderWorker>()
                .AddStageWorker<BillboardWorker>(); // does nothing unless Recommender:Billboard:Enabled
    }
}
