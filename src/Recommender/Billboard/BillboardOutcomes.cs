namespace StreamRec.Recommender.Billboard;

/// <summary>The <c>outcome</c> label of <c>streamrec_billboard_events_total</c>: what became of an embedded event.</summary>
public static class BillboardOutcomes
{
    public const string Counted = "counted";

    /// <summary>The item was already counted for the user in the window (or the event is a replay).</summary>
    public const string Duplicate = "duplicate";

    /// <summary>The user already has L items counted in the window: the contribution bound.</summary>
    public const string Refused = "refused";

    /// <summary>The item is not in the window's public catalog: never counted, never released.</summary>
    public const string NotInCatalog = "not_in_catalog";

    /// <summary>The record could not be read (the DriftDetector dead-letters it; the billboard skips it).</summary>
    public const string Invalid = "invalid";

    public static IReadOnlyList<string> All { get; } = [Counted, Duplicate, Refused, NotInCatalog, Invalid];
}
