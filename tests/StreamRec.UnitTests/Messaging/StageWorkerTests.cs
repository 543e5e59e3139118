using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using StreamRec.Messaging;
using StreamRec.Messaging.Stages;
using StreamRec.TestSupport;

namespace StreamRec.UnitTests.Messaging;

public sealed class StageWorkerTests : IDisposable
{
    private readonly TestTelemetry _telemetry = new();

    private sealed class FailingWorker(Exception failure, StreamRecMetrics metrics) : StageWorker("test", metrics, NullLogger.Instance)
    {
        protected override Task RunStageAsync(CancellationToken stoppingToken) => Task.FromException(failure);
    }

    private sealed class StoppingWorker(StreamRecMetrics metrics) : StageWorker("test", metrics, NullLogger.Instance)
    {
        protected override async Task RunStageAsync(CancellationToken stoppingToken) =>
            await Task.Delay(Timeout.Infinite, stoppingToken);
    }

    /// <summary>Fails each attempt with the next of <c>failures</c>, then runs until stopped; counts its attempts and the "processors" it built.</summary>
    private sealed class FlakyWorker(StreamRecMetrics metrics, params Exception[] failures)
        : StageWorker("test", metrics, NullLogger.Instance, new RestartBackoff(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(40), TimeSpan.FromHours(1)))
    {
        private readonly List<object> _processors = [];

        public int Attempts { get; private set; }

        public IReadOnlyList<object> Processors => _processors;

        public TaskCompletionSource Running { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task RunStageAsync(CancellationToken stoppingToken)
        {
            _processors.Add(new object()); // what a worker builds inside RunStageAsync is new each attempt
            if (Attempts++ < failures.Length)
            {
                throw failures[Attempts - 1];
            }

            Running.TrySetResult();
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
    }

    [Fact]
    public async Task A_transient_failure_starts_the_stage_again_with_what_it_builds_anew_and_leaves_the_exit_code_alone()
    {
        var before = Environment.ExitCode;
        using var worker = new FlakyWorker(
            _telemetry.Metrics,
            new KafkaException(ErrorCode.Local_MsgTimedOut), new KafkaException(ErrorCode.RequestTimedOut), new KafkaException(ErrorCode.Local_AllBrokersDown));

        await worker.StartAsync(CancellationToken.None);
        await worker.Running.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(4, worker.Attempts);
        Assert.Equal(3, worker.Restarts);
        Assert.Equal(4, worker.Processors.Distinct().Count());
        Assert.False(worker.ExecuteTask!.IsCompleted);
        await worker.StopAsync(CancellationToken.None);
        Assert.True(worker.ExecuteTask.IsCompletedSuccessfully || worker.ExecuteTask.IsCanceled);
        Assert.Equal(before, Environment.ExitCode);
    }

    [Fact]
    public async Task A_permanent_failure_after_transient_ones_still_stops_the_process()
    {
        var before = Environment.ExitCode;
        try
        {
            Environment.ExitCode = 0;
            var fatal = new KafkaException(new Error(ErrorCode.Local_Fatal, "fenced", isFatal: true));
            using var worker = new FlakyWorker(_telemetry.Metrics, new KafkaException(ErrorCode.Local_MsgTimedOut), fatal);

            await worker.StartAsync(CancellationToken.None);

            Assert.Same(fatal, await Assert.ThrowsAsync<KafkaException>(() => worker.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30))));
            Assert.Equal(1, worker.Restarts);
            Assert.Equal(1, Environment.ExitCode);
        }
        finally
        {
            Environment.ExitCode = before;
        }
    }

    [Fact]
    public async Task A_stop_while_waiting_to_restart_ends_the_worker_at_once()
    {
        var failures = Enumerable.Range(0, 1000).Select(_ => (Exception)new KafkaException(ErrorCode.Local_Transport)).ToArray();
        using var worker = new FlakyWorker(_telemetry.Metrics, failures);
        await worker.StartAsync(CancellationToken.None);
        while (worker.Restarts < 3)
        {
            await Task.Delay(5);
        }

        await worker.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(worker.ExecuteTask!.IsCompletedSuccessfully || worker.ExecuteTask.IsCanceled);
    }

    [Fact]
    public async Task A_failing_stage_sets_exit_code_1_and_rethrows_its_error()
    {
        var before = Environment.ExitCode;
        try
        {
            Environment.ExitCode = 0;
            var failure = new InvalidOperationException("redis gone");
            using var worker = new FailingWorker(failure, _telemetry.Metrics);

            await worker.StartAsync(CancellationToken.None);

            Assert.Same(failure, await Assert.ThrowsAsync<InvalidOperationException>(() => worker.ExecuteTask!));
            Assert.Equal(1, Environment.ExitCode);
        }
        finally
        {
            Environment.ExitCode = before; // the test process's own exit code must not carry this
        }
    }

    [Fact]
    public async Task A_stage_stopped_by_the_host_leaves_the_exit_code_alone()
    {
        var before = Environment.ExitCode;
        using var worker = new StoppingWorker(_telemetry.Metrics);
        await worker.StartAsync(CancellationToken.None);

        await worker.StopAsync(CancellationToken.None);

        Assert.True(worker.ExecuteTask!.IsCanceled || worker.ExecuteTask.IsCompletedSuccessfully);
        Assert.Equal(before, Environment.ExitCode);
    }

    public void Dispose() => _telemetry.Dispose();
}
