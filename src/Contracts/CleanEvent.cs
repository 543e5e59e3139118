namespace StreamRec.Contracts;

/// <summary>
/// A validated, pseudonymised event as Ingest writes it to the clean-events topic (JSON, one per record,
/// keyed by <see cref="User"/>). Everything after Ingest sees only this: no raw user id, only the fields
/// the later stages need.
/// </summary>
public sealed record CleanEvent
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public required string EventId { get; init; }

    /// <summary>Keyed pseudonym of the user: lower-case hex of a truncated HMAC-SHA256 of the raw id.</summary>
    public required string User { get; init; }

    public required string ItemId { get; init; }

    public required string Type { get; init; }

    /// <summary>The configured weight of <see cref="Type"/>, in (0, 1].</summary>
    public required float Weight { get; init; }

    /// <summary>Event time, Unix epoch milliseconds (normalised from either accepted input form).</summary>
    public required long Ts { get; init; }

    public string? Title { get; init; }

    public IReadOnlyList<string>? Categories { get; init; }

    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>
    /// The raw record this event came from (written by Ingest; absent from events made another way), so
    /// that later stages can recognise the copies an upstream replay makes.
    /// </summary>
    public EventOrigin? Origin { get; init; }
}
