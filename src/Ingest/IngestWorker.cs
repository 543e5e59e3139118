using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamRec.Messaging;
using StreamRec.Messaging.Stages;

namespace StreamRec.Ingest;

/// <summary>Hosts the Ingest stage: raw topic in, clean and dead-letter topics out.</summary>
public sealed class IngestWorker(
    IOptions<KafkaOptions> kafka, IOptions<IngestOptions> ingest, TimeProvider clock, ILogger<IngestWorker> logger)
    : StageWorker(IngestProcessor.Stage, logger)
{
    protected override Task RunStageAsync(CancellationToken stoppingToken)
    {
        var options = ingest.Value;
        foreach (var reason in RejectionReasons.All)
        {
            // Each reason's series exists before its first rejection: dashboards show 0, and rate() sees the first.
            StreamRecMetrics.EventsDeadLettered.Add(0, new KeyValuePair<string, object?>("stage", IngestProcessor.Stage), new KeyValuePair<string, object?>("reason", reason));
        }

        var processor = new IngestProcessor(
            new RawEventValidator(options, clock), Pseudonymizer.FromOptions(options), kafka.Value.Topics, clock);
        return new StageLoop(kafka.Value, new StageLoopOptions
        {
            InputTopic = kafka.Value.Topics.Raw,
            GroupId = options.GroupId,
            MaxBatchSize = options.MaxBatchSize,
            MaxBatchWait = options.MaxBatchWait,
        }, processor, logger).RunAsync(stoppingToken);
    }
}
