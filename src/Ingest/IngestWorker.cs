using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamRec.Messaging;
using StreamRec.Messaging.Stages;

namespace StreamRec.Ingest;

/// <summary>Hosts the Ingest stage: raw topic in, clean and dead-letter topics out.</summary>
public sealed partial class IngestWorker(
    IOptions<KafkaOptions> kafka, IOptions<IngestOptions> ingest, TimeProvider clock, ILogger<IngestWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = ingest.Value;
        var processor = new IngestProcessor(
            new RawEventValidator(options, clock), Pseudonymizer.FromOptions(options), kafka.Value.Topics, clock);
        var loop = new StageLoop(kafka.Value, new StageLoopOptions
        {
            InputTopic = kafka.Value.Topics.Raw,
            GroupId = options.GroupId,
            MaxBatchSize = options.MaxBatchSize,
            MaxBatchWait = options.MaxBatchWait,
        }, processor, logger);
        try
        {
            await loop.RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A stage that cannot continue fails loudly: non-zero exit, Kubernetes restarts it, and the
            // uncommitted batch is processed again.
            LogStageFailed(logger, e);
            Environment.ExitCode = 1;
            throw;
        }
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Critical, Message = "Ingest stage failed; stopping")]
    private static partial void LogStageFailed(ILogger logger, Exception exception);
}
