namespace StreamRec.Messaging.Stages;

/// <summary>
/// How long a stage waits before it starts again after a transient failure: <see cref="Initial"/>,
/// doubling with each failure in a row, capped at <see cref="Maximum"/>. An attempt that ran for at
/// least <see cref="StableAfter"/> before it failed counts as recovered, so the next wait starts from
/// <see cref="Initial"/> again: a Redis restart once a day costs one second, not the cap.
/// Pure schedule, no clock of its own; not thread-safe (one per stage worker).
/// </summary>
public sealed class RestartBackoff
{
    /// <summary>1 s doubling to 30 s; an attempt that lasted a minute has recovered.</summary>
    public RestartBackoff()
        : this(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60))
    {
    }

    public RestartBackoff(TimeSpan initial, TimeSpan maximum, TimeSpan stableAfter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(initial, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maximum, initial);
        ArgumentOutOfRangeException.ThrowIfLessThan(stableAfter, TimeSpan.Zero);
        Initial = initial;
        Maximum = maximum;
        StableAfter = stableAfter;
    }

    public TimeSpan Initial { get; }

    public TimeSpan Maximum { get; }

    public TimeSpan StableAfter { get; }

    /// <summary>Failures in a row so far (the attempt that just failed included, once <see cref="NextDelay"/> has counted it).</summary>
    public int ConsecutiveFailures { get; private set; }

    /// <summary>Counts a failed attempt that ran for <paramref name="attemptRan"/> and returns how long to wait before the next.</summary>
    public TimeSpan NextDelay(TimeSpan attemptRan)
    {
        if (attemptRan >= StableAfter)
        {
            ConsecutiveFailures = 0;
        }

        ConsecutiveFailures++;
        // Doubling in ticks, saturating: no overflow however long the outage.
        var delay = Initial;
        for (var i = 1; i < ConsecutiveFailures && delay < Maximum; i++)
        {
            delay += delay;
        }

        return delay < Maximum ? delay : Maximum;
    }
}
