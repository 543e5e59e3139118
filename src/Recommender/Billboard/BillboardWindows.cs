namespace StreamRec.Recommender.Billboard;

/// <summary>
/// The billboard's clock arithmetic, in processing time: fixed windows of <see cref="BillboardOptions.Window"/>
/// aligned on the Unix epoch, each cut into T steps of whole milliseconds; step t (1..T) of the window
/// starting at w is released at w + t x step. Every replica computes the same boundaries.
/// </summary>
public sealed class BillboardWindows
{
    public BillboardWindows(BillboardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        WindowMs = (long)options.Window.TotalMilliseconds;
        Steps = options.ReleasesPerWindow;
        StepMs = WindowMs / Steps;
    }

    public long WindowMs { get; }

    public long StepMs { get; }

    /// <summary>T.</summary>
    public int Steps { get; }

    /// <summary>Start (unix ms) of the window holding <paramref name="nowMs"/>: where an event seen now is counted.</summary>
    public long WindowStart(long nowMs) => Floor(nowMs, WindowMs);

    /// <summary>The latest release due at <paramref name="nowMs"/>: the step that ended at the last boundary.</summary>
    public (long WindowStart, int Step) Due(long nowMs)
    {
        var boundary = Floor(nowMs, StepMs);
        var windowStart = WindowStart(boundary - 1);
        return (windowStart, (int)((boundary - windowStart) / StepMs));
    }

    /// <summary>When the next step boundary after <paramref name="nowMs"/> comes.</summary>
    public long NextBoundary(long nowMs) => Floor(nowMs, StepMs) + StepMs;

    /// <summary>When step <paramref name="step"/> of the window ends (its release time).</summary>
    public long StepEnd(long windowStart, int step) => windowStart + (step * StepMs);

    /// <summary>The largest multiple of <paramref name="unit"/> at or below <paramref name="value"/> (also for times before 1970).</summary>
    private static long Floor(long value, long unit) => value - (((value % unit) + unit) % unit);
}
