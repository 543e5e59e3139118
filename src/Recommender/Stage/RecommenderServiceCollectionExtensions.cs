using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace StreamRec.Recommender.Stage;

/// <summary>
/// Registers the recommend stage with its options bound from the "Recommender" section (a mistyped key
/// is an error) and validated at start. The host configures <c>KafkaOptions</c> and <c>RedisOptions</c>.
/// </summary>
public static class RecommenderServiceCollectionExtensions
{
    public static IServiceCollection AddRecommenderStage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<RecommenderOptions>()
            .Bind(configuration.GetSection(RecommenderOptions.SectionName), binder => binder.ErrorOnUnknownConfiguration = true)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RecommenderOptions>, RecommenderOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddHostedService<RecommenderWorker>();
        services.AddHostedService<ScheduledRecommenderWorker>();
        return services;
    }
}
