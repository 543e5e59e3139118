using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace StreamRec.Messaging.Stages;

/// <summary>
/// How every stage registers itself: its options bound from its configuration section, with a mistyped
/// key an error, validated at start by its validator (every message names the key), the system clock,
/// the host's meter and consumer registry, and its hosted worker(s).
/// </summary>
public static class StageRegistration
{
    public static IServiceCollection AddStageOptions<TOptions, TValidator>(this IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<TOptions>()
            .Bind(configuration.GetSection(section), binder => binder.ErrorOnUnknownConfiguration = true)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }

    public static IServiceCollection AddStageWorker<TWorker>(this IServiceCollection services)
        where TWorker : class, IHostedService =>
        services.AddStreamRecMeter().AddHostedService<TWorker>();
}
