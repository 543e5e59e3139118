namespace StreamRec.Contracts;

/// <summary>
/// An interaction event as upstream producers write it to the raw-events topic (JSON, one per record,
/// keyed by user id). <see cref="SchemaVersion"/> lets the format evolve; Ingest validates every field.
/// </summary>
public sealed record RawEvent
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Unique id of the event (producers' deduplication key).</summary>
    public required string EventId { get; init; }

    /// <summary>The raw user id: it never leaves Ingest, which replaces it with a keyed pseudonym.</summary>
    public required string UserId { get; init; }

    public required string ItemId { get; init; }

    /// <summary>view | click | add_to_cart | purchase | ... (weights are configurable in Ingest).</summary>
    public required string Type { get; init; }

    /// <summary>Event time in Unix epoch milliseconds (Ingest also accepts an RFC 3339 string).</summary>
    public required long Ts { get; init; }

    public string? Title { get; init; }

    public IReadOnlyList<string>? Categories { get; init; }

    public IReadOnlyList<string>? Tags { get; init; }

    public double? Price { get; init; }
}
