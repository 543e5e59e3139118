namespace StreamRec.Recommender.Ledger;

/// <summary>
/// The ledger's answer: the outcome, the epsilon spent in the window after it (for a refusal: before; for
/// a release charged before: after that charge), and for <see cref="LedgerOutcome.AlreadyCharged"/> the
/// stored record to publish again (null when the record was never stored: a crash came between).
/// </summary>
public sealed record LedgerDecision(LedgerOutcome Outcome, double SpentInWindow, byte[]? StoredRelease);
