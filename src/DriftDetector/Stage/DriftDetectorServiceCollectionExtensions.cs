using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace StreamRec.DriftDetector.Stage;

/// <summary>
/// Registers the drift stage with its options bound from the "DriftDetector" section and validated at
/// start. Like the other stages, it expects the host to configure <c>KafkaOptions</c> and <c>RedisOptions</c>.
/// </summary>
public static class DriftDetectorServiceCollectionExtensions
{
    public static IServiceCollection AddDriftDetectorStage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<DriftDetectorOptions>()
            .Bind(configuration.GetSection(DriftDetectorOptions.SectionName), binder => binder.ErrorOnUnknownConfiguration = true)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DriftDetectorOptions>, DriftDetectorOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddHostedService<DriftDetectorWorker>();
        return services;
    }
}
