using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StreamRec.Embedder.Embedding;
using StreamRec.Messaging.Stages;
using StreamRec.Storage;

namespace StreamRec.Embedder.Stage;

/// <summary>
/// Registers the embed stage with its options bound from the "Embedder" section and validated at
/// start. Like Ingest, it expects the host to configure <c>KafkaOptions</c> (and here also
/// <c>RedisOptions</c>).
/// </summary>
public static class EmbedderServiceCollectionExtensions
{
    public static IServiceCollection AddEmbedderStage(this IServiceCollection services, IConfiguration configuration) =>
        services.AddStageOptions<EmbedderOptions, EmbedderOptionsValidator>(configuration, EmbedderOptions.SectionName)
            .AddRedisConnection()
            .AddSingleton<EmbedderMetrics>()
            .AddStageWorker<EmbedderWorker>();
}
