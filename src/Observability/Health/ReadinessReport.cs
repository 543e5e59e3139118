namespace StreamRec.Observability.Health;

/// <summary>
/// The outcome of one round of readiness checks; ready when every check is. A report that is not ready is
/// <see cref="Starting"/> while the process has not been ready yet and fails only what a start takes time
/// for (<see cref="ReadinessMonitor"/>): a state to wait for, not a failure to warn about.
/// </summary>
public sealed record ReadinessReport(DateTimeOffset At, IReadOnlyList<ReadinessCheck> Checks)
{
    public static ReadinessReport NotYetChecked { get; } =
        new(DateTimeOffset.MinValue, [new ReadinessCheck("startup", false, "the first readiness round has not run yet")]) { Starting = true };

    public bool Ready => Checks.All(c => c.Ok);

    /// <summary>Not ready yet because the process is still starting (never true of a ready report).</summary>
    public bool Starting { get; init; }

    /// <summary>Not ready because the host is shutting down and its stages are closing.</summary>
    public bool Stopping { get; init; }

    /// <summary><c>ready</c>, <c>starting</c>, <c>stopping</c> or <c>not_ready</c>.</summary>
    public string State => Ready ? "ready" : Starting ? "starting" : Stopping ? "stopping" : "not_ready";
}
