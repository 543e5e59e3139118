namespace StreamRec.Contracts;

/// <summary>
/// An interest mutation, as the DriftDetector writes it to the mutations topic (JSON, one per record,
/// keyed by <see cref="User"/>; contract in docs/events.md). A record replayed after a crash carries the
/// same <see cref="MutationId"/>: readers deduplicate by it.
/// </summary>
public sealed record MutationRecord
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Deterministic: derived from the user and the input position of the event that triggered it.</summary>
    public required string MutationId { get; init; }

    /// <summary>Keyed pseudonym of the user (never the raw user id), also the record key.</summary>
    public required string User { get; init; }

    /// <summary>Event time of the triggering event, Unix epoch milliseconds.</summary>
    public required long Ts { get; init; }

    /// <summary>When the detector flagged it (wall clock, Unix epoch milliseconds); a replay may differ.</summary>
    public required long DetectedAt { get; init; }

    /// <summary>The triggering event's id.</summary>
    public required string EventId { get; init; }

    /// <summary>The CUSUM sum S that crossed the threshold.</summary>
    public required double Score { get; init; }

    /// <summary>The threshold it crossed: h grown with the user's events (DriftDetector:Detection:ThresholdGrowth).</summary>
    public required double Threshold { get; init; }

    /// <summary>The drift d = 1 - cos(short, long) at the triggering event.</summary>
    public required double Drift { get; init; }

    /// <summary>The self-normalised drift z at the triggering event.</summary>
    public required double Z { get; init; }

    /// <summary>Events of this user applied so far (since the state was created).</summary>
    public required long Events { get; init; }

    /// <summary>The encoder model of <see cref="Interest"/>: vectors of different versions are not comparable.</summary>
    public required string ModelVersion { get; init; }

    /// <summary>Where the triggering event was read (the embedded-events topic).</summary>
    public required MutationSource Source { get; init; }

    /// <summary>The new interest (the short-horizon vector the long one adopts), unit length, float32[D].</summary>
    public required float[] Interest { get; init; }

    /// <summary>
    /// The length of the short-horizon vector s before normalisation: s = <see cref="InterestNorm"/> x
    /// <see cref="Interest"/>. The Recommender scores with s itself, whose sensitivity to one event is
    /// bounded (docs/privacy.md); the unit vector's is not.
    /// </summary>
    public required double InterestNorm { get; init; }

    public required MutationExplanation Explanation { get; init; }
}
