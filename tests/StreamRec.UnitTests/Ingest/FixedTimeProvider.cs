namespace StreamRec.UnitTests.Ingest;

/// <summary>A clock that always says the same time, so timestamp-window tests are exact.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
