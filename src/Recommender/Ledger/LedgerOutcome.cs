namespace StreamRec.Recommender.Ledger;

/// <summary>What the ledger decided about a release.</summary>
public enum LedgerOutcome
{
    /// <summary>The budget allowed it: charged, and stored for re-publishing.</summary>
    Granted,

    /// <summary>It would exceed the user's cap in the window: not charged, not to be published.</summary>
    Refused,

    /// <summary>Released before (same release id): the stored release is to be published again, free.</summary>
    AlreadyReleased,
}
