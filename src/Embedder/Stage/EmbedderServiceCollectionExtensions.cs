using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StreamRec.Embedder.Embedding;

namespace StreamRec.Embedder.Stage;

/// <summary>
/// Registers the embed stage with its options bound from the "Embedder" section and validated at
/// start. Like Ingest, it expects the host to configure <c>KafkaOptions</c> (and here also
/// <c>RedisOptions</c>).
/// </summary>
public static class EmbedderServiceCollectionExtensions
{
    public static IServiceCollection AddEmbedderStage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<EmbedderOptions>().Bind(configuration.GetSection(EmbedderOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EmbedderOptions>, EmbedderOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddHostedService<EmbedderWorker>();
        return services;
    }
}
