using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StreamRec.Messaging;
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
    /// <remarks><c>worker</c>: False when the stage runs in a fused chain: its options and metrics only, no worker of its own.</remarks>
    public static IServiceCollection AddEmbedderStage(this IServiceCollection services, IConfiguration configuration, bool worker = true)
    {
        services.AddStageOptions<EmbedderOptions, EmbedderOptionsValidator>(configuration, EmbedderOptions.SectionName)
            .AddRedisConnection()
            .AddStreamRecMeter()
            .TryAddSingleton<EmbedderMetrics>();
        return worker ? services.AddStageWorker<EmbedderWorker>() : services;
    }
}
