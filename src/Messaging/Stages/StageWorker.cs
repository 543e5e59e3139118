using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace StreamRec.Messaging.Stages;

/// <summary>
/// The hosted worker of one stage: runs what <see cref="RunStageAsync"/> sets up (its model, its Redis
/// connection, a fresh processor and its <see cref="StageLoop"/>) until the host stops it.
/// <para>
/// A transient failure (<see cref="TransientReason"/>: Redis restarting, a broker unreachable for longer
/// than the clients' own retries) ends only that attempt: the loop has stored no offset of the failed
/// batch and has left the group, so the worker logs a warning, counts
/// <c>streamrec_stage_restarts_total{stage,reason}</c>, waits (<see cref="RestartBackoff"/>: 1 s doubling
/// to 30 s) and calls <see cref="RunStageAsync"/> again. The new attempt builds everything anew, above
/// all the processor, whose cache may hold state that was never written, and consumes from the
/// committed offsets: what the failed attempt did not finish is replayed, which the stages' idempotent
/// writes make harmless. While it waits the stage has no consumer, so <c>/readyz</c> says not ready;
/// <c>/healthz</c> stays up, because a restarted pod would meet the same outage.
/// </para>
/// <para>
/// Any other failure means the stage cannot continue (a bad model, a fatal Kafka error, a wrong
/// setting): it is logged as critical, the process exit code becomes 1 and the exception ends the
/// host, so Kubernetes restarts the pod.
/// </para>
/// <para>
/// Restarting inside the process rather than exiting (and letting Kubernetes restart the pod) was
/// chosen because a Redis restart is routine: exiting would lose the warm model and the catalog,
/// count as a crash, and after a few in a row put the pod into CrashLoopBackOff, whose waits grow to
/// five minutes, long after Redis is back.
/// </para>
/// </summary>
public abstract partial class StageWorker : BackgroundService
{
    private readonly string _stageName;
    private readonly ILogger _logger;
    private readonly RestartBackoff _backoff;

    protected StageWorker(string stageName, StreamRecMetrics metrics, ILogger logger, RestartBackoff? backoff = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(stageName);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(logger);
        _stageName = stageName;
        Metrics = metrics;
        _logger = logger;
        _backoff = backoff ?? new RestartBackoff();
    }

    /// <summary>The host's StreamRec instruments, for the stage's loops.</summary>
    protected StreamRecMetrics Metrics { get; }

    /// <summary>In-process restarts after transient failures so far.</summary>
    public int Restarts { get; private set; }

    /// <summary>
    /// Sets the stage up and runs it until <paramref name="stoppingToken"/> is cancelled. Called again
    /// after a transient failure: everything with state (the processor above all) must be built here,
    /// not kept from the attempt before.
    /// </summary>
    protected abstract Task RunStageAsync(CancellationToken stoppingToken);

    /// <summary>
    /// The restart reason of a transient failure, or null when <paramref name="failure"/> must stop the
    /// process. By default Kafka's transient errors (<see cref="KafkaFailures"/>); a stage that uses
    /// Redis adds Redis's.
    /// </summary>
    protected virtual string? TransientReason(Exception failure) => KafkaFailures.TransientReason(failure);

    /// <summary>Every reason <see cref="TransientReason"/> can return, so that each counter series exists from the start.</summary>
    protected virtual IReadOnlyList<string> RestartReasons => [KafkaFailures.Reason];

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var reason in RestartReasons)
        {
            Metrics.StageRestarts.Add(0, Tags(reason));
        }

        while (true)
        {
            var attempt = Stopwatch.StartNew();
            string? transient;
            try
            {
                await RunStageAsync(stoppingToken).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException && (transient = TransientReason(e)) is not null)
            {
                var delay = _backoff.NextDelay(attempt.Elapsed);
                Restarts++;
                Metrics.StageRestarts.Add(1, Tags(transient));
                // The exception's type and message only: Redis is told not to put key names in them
                // (RedisConnector), and a stack trace says nothing about an outage.
                LogStageRestarting(_logger, _stageName, transient, e.GetType().Name, e.Message, _backoff.ConsecutiveFailures, delay.TotalSeconds);
                try
                {
                    await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }

                LogStageRestarted(_logger, _stageName, _backoff.ConsecutiveFailures);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogStageFailed(_logger, _stageName, e);
                Environment.ExitCode = 1;
                throw;
            }
        }
    }

    /// <summary>
    /// Runs one attempt's loops together: the first to end (failed, or stopped) ends the attempt. The
    /// others are stopped through <paramref name="attempt"/> (each finishes its batch in hand and closes),
    /// and the first failure, not a later one, is what the worker sees.
    /// </summary>
    protected static async Task RunTogetherAsync(IReadOnlyList<Task> loops, CancellationTokenSource attempt)
    {
        ArgumentNullException.ThrowIfNull(loops);
        ArgumentNullException.ThrowIfNull(attempt);
        var first = await Task.WhenAny(loops).ConfigureAwait(false);
        await attempt.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(loops).ConfigureAwait(false);
        }
        catch when (first.IsFaulted)
        {
            await first.ConfigureAwait(false); // rethrows the first failure
        }
    }

    private KeyValuePair<string, object?>[] Tags(string reason) =>
        [new("stage", _stageName), new("reason", reason)];

    [LoggerMessage(EventId = 107, Level = LogLevel.Critical, Message = "Stage {Stage} failed; stopping")]
    private static partial void LogStageFailed(ILogger logger, string stage, Exception exception);

    [LoggerMessage(EventId = 110, Level = LogLevel.Warning,
        Message = "Stage {Stage} stopped by a transient {Reason} failure ({Type}: {Error}); uncommitted records will be replayed; failure {Failures} in a row, starting again in {DelaySeconds} s")]
    private static partial void LogStageRestarting(ILogger logger, string stage, string reason, string type, string error, int failures, double delaySeconds);

    [LoggerMessage(EventId = 111, Level = LogLevel.Information, Message = "Stage {Stage} starting again after {Failures} transient failure(s) in a row")]
    private static partial void LogStageRestarted(ILogger logger, string stage, int failures);
}
