namespace StreamRec.Recommender.Stage;

/// <summary>
/// What to release for: the user, a deterministic release id (the ledger's key for "already released"),
/// why (<see cref="Trigger"/>), and the unnormalised short-horizon interest vector s of the model
/// <see cref="ModelVersion"/>, whose scores have bounded sensitivity (docs/privacy.md). <see cref="Time"/>,
/// when given, is the time the release states (a scheduled release states its slot's start, so that not
/// even its compute time shows); otherwise the clock's.
/// </summary>
public sealed record ReleaseRequest(
    string User, string ReleaseId, string Trigger, string? MutationId, float[] Interest, string ModelVersion, DateTimeOffset? Time = null);
