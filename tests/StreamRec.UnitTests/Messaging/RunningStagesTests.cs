using StreamRec.Messaging.Stages;

namespace StreamRec.UnitTests.Messaging;

public sealed class RunningStagesTests
{
    [Fact]
    public async Task A_failed_stage_ends_the_run_at_once_with_its_exception_and_the_others_are_told_to_stop()
    {
        var failure = new InvalidOperationException("No connection is available to service this operation: SMEMBERS");
        CancellationToken others = default;
        var running = new RunningStages(stop =>
        {
            others = stop;
            // A stage that never ends by itself, and one that failed.
            return [Task.Delay(Timeout.Infinite, stop), Task.FromException(failure)];
        });

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => running.ThrowIfFaultedAsync().WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Same(failure, thrown);
        Assert.True(others.IsCancellationRequested);
        // Disposing waits for the others to close, and reports the failure again.
        Assert.Same(failure, await Assert.ThrowsAsync<InvalidOperationException>(async () => await running.DisposeAsync()));
    }

    [Fact]
    public async Task Healthy_stages_run_on_until_disposed_and_disposing_waits_for_each_to_close()
    {
        var closed = 0;
        var running = new RunningStages(stop => Enumerable.Range(0, 3).Select(async _ =>
        {
            await Task.Delay(Timeout.Infinite, stop).ContinueWith(_ => { }, TaskScheduler.Default);
            Interlocked.Increment(ref closed);
        }).ToList());

        await running.ThrowIfFaultedAsync();
        Assert.Equal(0, Volatile.Read(ref closed));

        await running.DisposeAsync();
        Assert.Equal(3, Volatile.Read(ref closed));
    }
}
