namespace StreamRec.Ingest;

/// <summary>
/// The reason codes of rejected raw events: the <c>streamrec.dlq.reason</c> header and the
/// <c>reason</c> label of <c>streamrec_events_dead_lettered_total</c>. A closed set, so dashboards can
/// list them and labels stay few.
/// </summary>
public static class RejectionReasons
{
    /// <summary>The record has no value (null or zero bytes).</summary>
    public const string Empty = "empty";

    /// <summary>The value exceeds Ingest:MaxEventBytes.</summary>
    public const string TooLarge = "too_large";

    /// <summary>The value is not valid UTF-8.</summary>
    public const string InvalidUtf8 = "invalid_utf8";

    /// <summary>Not a single well-formed JSON object within the nesting limit.</summary>
    public const string InvalidJson = "invalid_json";

    /// <summary>A top-level field appears twice (which value counts would be ambiguous).</summary>
    public const string DuplicateField = "duplicate_field";

    public const string MissingField = "missing_field";

    /// <summary>A field has the wrong JSON type (e.g. a number where a string is required).</summary>
    public const string WrongType = "wrong_type";

    public const string UnsupportedSchemaVersion = "unsupported_schema_version";

    /// <summary>The event type has no configured weight (Ingest:EventTypeWeights).</summary>
    public const string UnknownEventType = "unknown_event_type";

    /// <summary>
    /// <c>ts</c>, a number or a string, is neither an integer of epoch milliseconds nor an RFC 3339 time
    /// with an offset (any other JSON type is <see cref="WrongType"/>, as for every field).
    /// </summary>
    public const string InvalidTimestamp = "invalid_timestamp";

    /// <summary><c>ts</c> is before Ingest:EarliestTimestamp, older than Ingest:MaxEventAge, or too far in the future.</summary>
    public const string TimestampOutOfWindow = "timestamp_out_of_window";

    /// <summary>A field breaks a value rule (empty id, too long, too many categories, negative price...).</summary>
    public const string InvalidField = "invalid_field";

    public static IReadOnlyList<string> All { get; } =
    [
        Empty, TooLarge, InvalidUtf8, InvalidJson, DuplicateField, MissingField, WrongType,
        UnsupportedSchemaVersion, UnknownEventType, InvalidTimestamp, TimestampOutOfWindow, InvalidField,
    ];
}
