using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StreamRec.Messaging.Stages;

namespace StreamRec.Ingest;

/// <summary>Registers the Ingest stage with its options bound from the "Ingest" section and validated at start.</summary>
public static class IngestServiceCollectionExtensions
{
    public static IServiceCollection AddIngestStage(this IServiceCollection services, IConfiguration configuration) =>
        services.AddStageOptions<IngestOptions, IngestOptionsValidator>(configuration, IngestOptions.SectionName)
            .AddStageWorker<IngestWorker>();
}
