using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamRec.Messaging;
using StreamRec.Messaging.Health;
using StreamRec.Messaging.Stages;

namespace StreamRec.Ingest;

/// <summary>Hosts the Ingest stage: raw topic in, clean and dead-letter topics out.</summary>
public sealed class IngestWorker(
    IOptions<KafkaOptions> kafka,
    IOptions<IngestOptions> ingest,
    StreamRecMetrics metrics,
    ConsumerStatusRegistry consumers,
    TimeProvider clock,
    ILogger<IngestWorker> logger) : StageWorker(IngestProcessor.Stage, metrics, logger)
{
    protected override Task RunStageAsync(CancellationToken stoppingToken)
    {
        var options = ingest.Value;
        var processor = CreateProcessor(options, kafka.Value.Topics, clock);
        return new StageLoop(kafka.Value, new StageLoopOptions
        {
            InputTopic = kafka.Value.Topics.Raw,
            GroupId = options.GroupId,
            MaxBatchSize = options.MaxBatchSize,
            MaxBatchWait = options.MaxBatchWait,
        }, processor, Metrics, consumers, logger).RunAsync(stoppingToken);
    }

    /// <summary>The stage's processor, as this worker and a fused chain (several stages in one process) run it.</summary>
    public static IngestProcessor CreateProcessor(IngestOptions options, TopicNames topics, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new IngestProcessor(new RawEventValidator(options, clock), Pseudonymizer.FromOptions(options), topics, clock);
    }
}
