namespace StreamRec.IntegrationTests.Recommender;

/// <summary>A clock the test moves by hand (the ledger's rolling window is tested without waiting).</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;
}
