using Microsoft.Extensions.Logging.Abstractions;
using StreamRec.Messaging.Stages;

namespace StreamRec.UnitTests.Messaging;

public sealed class StageWorkerTests
{
    private sealed class FailingWorker(Exception failure) : StageWorker("test", NullLogger.Instance)
    {
        protected override Task RunStageAsync(CancellationToken stoppingToken) => Task.FromException(failure);
    }

    private sealed class StoppingWorker() : StageWorker("test", NullLogger.Instance)
    {
        protected override async Task RunStageAsync(CancellationToken stoppingToken) =>
            await Task.Delay(Timeout.Infinite, stoppingToken);
    }

    [Fact]
    public async Task A_failing_stage_sets_exit_code_1_and_rethrows_its_error()
    {
        var before = Environment.ExitCode;
        try
        {
            Environment.ExitCode = 0;
            var failure = new InvalidOperationException("redis gone");
            using var worker = new FailingWorker(failure);

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
        using var worker = new StoppingWorker();
        await worker.StartAsync(CancellationToken.None);

        await worker.StopAsync(CancellationToken.None);

        Assert.True(worker.ExecuteTask!.IsCanceled || worker.ExecuteTask.IsCompletedSuccessfully);
        Assert.Equal(before, Environment.ExitCode);
    }
}
