namespace StreamRec.Evaluation;

/// <summary>Where an evaluation stream comes from, and whether it holds a true change.</summary>
public enum StreamKind
{
    /// <summary>Synthetic user who keeps the same interest clusters throughout: every alarm is false.</summary>
    SyntheticStationary,

    /// <summary>Synthetic user whose clusters are replaced at known positions.</summary>
    SyntheticSwitching,

    /// <summary>One MovieLens user's history up to a point, then another user's: the splice is a true change.</summary>
    Spliced,

    /// <summary>One MovieLens user's own history: alarms count as false (real users may drift, see docs/drift.md).</summary>
    Unspliced,
}
