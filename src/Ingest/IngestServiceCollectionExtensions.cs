using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StreamRec.Messaging;
using StreamRec.Messaging.Stages;

namespace StreamRec.Ingest;

/// <summary>Registers the Ingest stage with its options bound from the "Ingest" section and validated at start.</summary>
public static class IngestServiceCollectionExtensions
{
    /// <remarks><c>worker</c>: False when the stage runs in a fused chain: its options only, no worker of its own.</remarks>
    public static IServiceCollection AddIngestStage(this IServiceCollection services, IConfiguration configuration, bool worker = true)
    {
        services.AddStageOptions<IngestOptions, IngestOptionsValidator>(configuration, IngestOptions.SectionName).AddStreamRecMeter();
        return worker ? services.AddStageWorker<IngestWorker>() : services;
    }
}
