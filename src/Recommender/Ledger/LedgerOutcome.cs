namespace StreamRec.Recommender.Ledger;

/// <summary>What the ledger decided about a release.</summary>
public enum LedgerOutcome
{
    /// <summary>The budget allowed it: charged.</summary>
    Granted,

    /// <summary>It would exceed the user's cap in the window: not charged, not to be published.</summary>
    Refused,

    /// <summary>Charged before (same release id): its stored record, if any, is to be published again, free.</summary>
    AlreadyCharged,
}
