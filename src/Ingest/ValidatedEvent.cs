namespace StreamRec.Ingest;

/// <summary>A raw event that passed every rule; it still holds the raw user id (it never leaves Ingest).</summary>
public sealed record ValidatedEvent(
    string EventId,
    string RawUserId,
    string ItemId,
    string Type,
    float Weight,
    long TimestampMs,
    string? Title,
    IReadOnlyList<string>? Categories,
    IReadOnlyList<string>? Tags);
