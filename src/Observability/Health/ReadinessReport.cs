namespace StreamRec.Observability.Health;

/// <summary>The outcome of one round of readiness checks; ready when every check is.</summary>
public sealed record ReadinessReport(DateTimeOffset At, IReadOnlyList<ReadinessCheck> Checks)
{
    public static ReadinessReport NotYetChecked { get; } =
        new(DateTimeOffset.MinValue, [new ReadinessCheck("startup", false, "the first readiness round has not run yet")]);

    public bool Ready => Checks.All(c => c.Ok);
}
