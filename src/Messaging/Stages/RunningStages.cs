namespace StreamRec.Messaging.Stages;

/// <summary>
/// Stage loops run side by side in one process without a worker's restarts (the demo, the benchmarks).
/// A loop that failed ends the run at once with its exception: <see cref="ThrowIfFaultedAsync"/> tells the
/// others to stop but does not wait for them (they never end by themselves, so waiting for all of them
/// hung a benchmark for minutes). <see cref="DisposeAsync"/> stops them all and waits until each has
/// finished its batch in hand and closed its consumer; only then may what they use go away.
/// </summary>
public sealed class RunningStages : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly Task[] _loops;
    private bool _stopped;

    /// <param name="start">Starts the loops with the token that stops them.</param>
    /// <param name="cancellationToken">Stops the loops too (e.g. Ctrl-C).</param>
    public RunningStages(Func<CancellationToken, IEnumerable<Task>> start, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _loops = [.. start(_stop.Token)];
    }

    /// <summary>Rethrows the exception of a loop that failed, after telling the others to stop; returns at once otherwise.</summary>
    public async Task ThrowIfFaultedAsync()
    {
        if (_loops.FirstOrDefault(loop => loop.IsFaulted) is { } faulted)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await faulted.ConfigureAwait(false); // rethrows the stage's exception
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        try
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(_loops).ConfigureAwait(false);
        }
        finally
        {
            _stop.Dispose();
        }
    }
}
