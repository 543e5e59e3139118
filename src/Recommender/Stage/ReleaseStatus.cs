namespace StreamRec.Recommender.Stage;

/// <summary>What became of a release request.</summary>
public enum ReleaseStatus
{
    /// <summary>Charged and drawn now: publish the record.</summary>
    Published,

    /// <summary>Charged before (a replay): publish the stored record again, free.</summary>
    Republished,

    /// <summary>It would exceed the user's budget: nothing to publish.</summary>
    Refused,

    /// <summary>The catalog holds no candidate of the model and dimension: nothing to publish.</summary>
    NoCandidates,
}
