using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
    public static IServiceCollection AddRecommenderStage(this IServiceCollection services, IConfiguration configuration) =>
        services.AddStageOptions<RecommenderOptions, RecommenderOptionsValidator>(configuration, RecommenderOptions.SectionName)
            .AddRedisConnection()
            .AddSingleton<RecommenderMetrics>()
            .AddStageWorker<RecommenderWorker>()
            .AddStageWorker<ScheduledRecommenderWorker>()
            .AddStageWorker<BillboardWorker>(); // does nothing unless Recommender:Billboard:Enabled
}
