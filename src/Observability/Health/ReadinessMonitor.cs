using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamRec.Messaging;
using StreamRec.Messaging.Health;
using StreamRec.Storage;

namespace StreamRec.Observability.Health;

/// <summary>
/// Runs the readiness checks every <see cref="ObservabilityOptions.ReadinessInterval"/> and keeps the
/// latest report for <c>/readyz</c> and the <c>streamrec_ready{check}</c> gauge:
/// <list type="bullet">
/// <item><c>kafka</c>: every expected stage has a consumer whose latest librdkafka statistics show a
/// broker connection up (and are recent);</item>
/// <item><c>partitions</c>: each of those consumers holds a group assignment (possibly of zero
/// partitions when there are more members than partitions: it is then a ready standby);</item>
/// <item><c>redis</c> (stages that use Redis): the process's shared connection is connected and a PING
/// on it answers in time.</item>
/// </list>
/// Answering from the latest round keeps <c>/readyz</c> fast and never lets probes pile up on a stalled
/// Redis. Transitions are logged.
/// <para>
/// Until the first round that passes, the process is <em>starting</em>, not failing: before the first
/// round, and while what fails is only what a start takes time for (a consumer not yet connected or
/// assigned, within <see cref="ObservabilityOptions.KafkaStatisticsMaxAge"/> of the start; the first Redis
/// connection, within <see cref="RedisOptions.ConnectTimeoutMs"/>). <c>/readyz</c> still answers 503, with
/// <c>starting</c> in its body, and no "Not ready" warning is logged for it: a normal start logs "Starting",
/// then "Ready". A start that takes longer, or a failure after the first ready round, is not ready.
/// </para>
/// </summary>
public sealed partial class ReadinessMonitor : BackgroundService
{
    private readonly ReadinessTargets _targets;
    private readonly IOptions<ObservabilityOptions> _observability;
    private readonly IServiceProvider _services;
    private readonly ConsumerStatusRegistry _consumers;
    private readonly TimeProvider _clock;
    private readonly ILogger<ReadinessMonitor> _logger;
    private volatile ReadinessReport _latest = ReadinessReport.NotYetChecked;
    private bool _everReady;

    public ReadinessMonitor(
        ReadinessTargets targets,
        IOptions<ObservabilityOptions> observability,
        IServiceProvider services,
        StreamRecMetrics metrics,
        ConsumerStatusRegistry consumers,
        TimeProvider clock,
        ILogger<ReadinessMonitor> logger)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _targets = targets;
        _observability = observability;
        _services = services;
        _consumers = consumers;
        _clock = clock;
        _logger = logger;
        // 1 when the check passed in the latest round, 0 when not.
        metrics.Meter.CreateObservableGauge(
            "streamrec_ready", ObserveReady, unit: null, description: "Readiness checks of this process (1 = passing): kafka, partitions, redis.");
    }

    public ReadinessReport Latest => _latest;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = _observability.Value;
        // The stages' connection: what readiness reports is whether they can reach Redis.
        var redis = _targets.NeedsRedis ? _services.GetRequiredService<RedisConnection>() : null;
        var redisConnectTimeout = redis is null
            ? TimeSpan.Zero
            : TimeSpan.FromMilliseconds(_services.GetRequiredService<IOptions<RedisOptions>>().Value.ConnectTimeoutMs);
        var lifetime = _services.GetService<IHostApplicationLifetime>();
        var started = _clock.GetUtcNow();
        try
        {
            using var timer = new PeriodicTimer(options.ReadinessInterval, _clock);
            do
            {
                var sinceStart = _clock.GetUtcNow() - started;
                var checks = new List<ReadinessCheck>(3);
                checks.AddRange(CheckConsumers(options.KafkaStatisticsMaxAge));
                if (redis is not null)
                {
                    checks.Add(await CheckRedisAsync(redis, options.RedisCheckTimeout, stoppingToken).ConfigureAwait(false));
                }

                Publish(Assess(_clock.GetUtcNow(), checks, _everReady, sinceStart, redisConnectTimeout, options.KafkaStatisticsMaxAge,
                    stopping: lifetime?.ApplicationStopping.IsCancellationRequested == true));
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// One round's report. Starting: never ready yet, and each failing check is one a start is still
    /// allowed to take (Redis within its connect timeout, Kafka within the statistics' maximum age).
    /// Stopping: the host is shutting down, so stages closing their consumers fail the Kafka checks as
    /// they should (the pod leaves the Service), which is no fault to warn about.
    /// </summary>
    public static ReadinessReport Assess(
        DateTimeOffset at, IReadOnlyList<ReadinessCheck> checks, bool everReady, TimeSpan sinceStart,
        TimeSpan redisAllowance, TimeSpan kafkaAllowance, bool stopping)
    {
        ArgumentNullException.ThrowIfNull(checks);
        var starting = !everReady && checks.Where(c => !c.Ok).All(c => c.Name == "redis"
            ? sinceStart < redisAllowance
            : sinceStart < kafkaAllowance);
        return new ReadinessReport(at, checks) { Starting = starting && !stopping, Stopping = stopping };
    }

    private IEnumerable<ReadinessCheck> CheckConsumers(TimeSpan maxAge)
    {
        var consumers = _consumers.Current;
        var now = _clock.GetUtcNow();
        var disconnected = new List<string>();
        var unassigned = new List<string>();
        foreach (var stage in _targets.Stages)
        {
            var mine = consumers.Where(c => c.Stage == stage).ToList();
            if (mine.Count == 0)
            {
                disconnected.Add($"{stage} (not started)");
                unassigned.Add($"{stage} (not started)");
                continue;
            }

            if (!mine.All(c => c.BrokerUp && c.StatisticsAt is { } at && now - at <= maxAge))
            {
                disconnected.Add(stage);
            }

            if (!mine.All(c => c.HasAssignment))
            {
                unassigned.Add(stage);
            }
        }

        yield return disconnected.Count == 0
            ? new ReadinessCheck("kafka", true, $"{_targets.Stages.Count} consumer(s) connected")
            : new ReadinessCheck("kafka", false, "no broker connection: " + string.Join(", ", disconnected));
        yield return unassigned.Count == 0
            ? new ReadinessCheck("partitions", true, string.Join(", ", _targets.Stages.Select(s =>
                $"{s}: {consumers.Where(c => c.Stage == s).Sum(c => c.AssignedPartitions)} partition(s)")))
            : new ReadinessCheck("partitions", false, "waiting for a group assignment: " + string.Join(", ", unassigned));
    }

    private static async Task<ReadinessCheck> CheckRedisAsync(RedisConnection redis, TimeSpan timeout, CancellationToken stoppingToken)
    {
        var clock = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        deadline.CancelAfter(timeout);
        try
        {
            var connection = await redis.GetAsync(deadline.Token).ConfigureAwait(false);
            await connection.GetDatabase().PingAsync().WaitAsync(deadline.Token).ConfigureAwait(false);
            return new ReadinessCheck("redis", true, $"ping {clock.Elapsed.TotalMilliseconds:0.0} ms");
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return new ReadinessCheck("redis", false, $"not connected, or no answer to PING, within {timeout.TotalMilliseconds:0} ms");
        }
        catch (RedisException e)
        {
            return new ReadinessCheck("redis", false, e.Message);
        }
    }

    private void Publish(ReadinessReport report)
    {
        var previous = _latest;
        _latest = report;
        _everReady |= report.Ready;
        if (previous.State == report.State && previous != ReadinessReport.NotYetChecked)
        {
            return;
        }

        var failing = string.Join("; ", report.Checks.Where(c => !c.Ok).Select(c => $"{c.Name}: {c.Detail}"));
        if (report.Ready)
        {
            LogReady(_logger);
        }
        else if (report.Starting)
        {
            LogStarting(_logger, failing);
        }
        else if (report.Stopping)
        {
            LogStopping(_logger, failing);
        }
        else
        {
            LogNotReady(_logger, failing);
        }
    }

    private IEnumerable<Measurement<int>> ObserveReady() =>
        _latest.Checks.Select(c => new Measurement<int>(c.Ok ? 1 : 0, new KeyValuePair<string, object?>("check", c.Name)));

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Ready: Kafka connected, partitions assigned, Redis answering")]
    private static partial void LogReady(ILogger logger);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "Not ready: {Failing}")]
    private static partial void LogNotReady(ILogger logger, string failing);

    [LoggerMessage(EventId = 302, Level = LogLevel.Information, Message = "Starting: waiting for {Waiting}")]
    private static partial void LogStarting(ILogger logger, string waiting);

    [LoggerMessage(EventId = 303, Level = LogLevel.Information, Message = "Stopping: no longer ready ({Closing})")]
    private static partial void LogStopping(ILogger logger, string closing);
}
