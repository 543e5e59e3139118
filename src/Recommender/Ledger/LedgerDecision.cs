namespace StreamRec.Recommender.Ledger;

/// <summary>
/// The ledger's answer: the outcome, the epsilon spent in the window after it (for a refusal: before),
/// and for <see cref="LedgerOutcome.AlreadyReleased"/> the stored release to publish again.
/// </summary>
public sealed record LedgerDecision(LedgerOutcome Outcome, double SpentInWindow, byte[]? StoredRelease);
