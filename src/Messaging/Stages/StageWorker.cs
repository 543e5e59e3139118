using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace StreamRec.Messaging.Stages;

/// <summary>
/// The hosted worker of one stage: runs what <see cref="RunStageAsync"/> sets up (its model, its Redis
/// connection, its <see cref="StageLoop"/>) until the host stops it. A stage that cannot continue fails
/// loudly: the failure is logged as critical, the process exit code becomes 1 and the exception ends
/// the host, so Kubernetes restarts the pod and the uncommitted batches are processed again.
/// </summary>
public abstract partial class StageWorker(string stageName, ILogger logger) : BackgroundService
{
    /// <summary>Sets the stage up and runs it until <paramref name="stoppingToken"/> is cancelled.</summary>
    protected abstract Task RunStageAsync(CancellationToken stoppingToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunStageAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogStageFailed(logger, stageName, e);
            Environment.ExitCode = 1;
            throw;
        }
    }

    [LoggerMessage(EventId = 107, Level = LogLevel.Critical, Message = "Stage {Stage} failed; stopping")]
    private static partial void LogStageFailed(ILogger logger, string stage, Exception exception);
}
