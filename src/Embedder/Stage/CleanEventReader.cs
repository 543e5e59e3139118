using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using StreamRec.Contracts;

namespace StreamRec.Embedder.Stage;

/// <summary>
/// Reads a clean-events record for the embed stage. Ingest wrote it, so a failure here means version
/// skew or a bug upstream; the record is dead-lettered with a detail that names the rule and the field
/// but never quotes the payload (a detail travels into headers and logs). Anything the embedded-event
/// format cannot carry (empty ids, malformed text, a non-finite weight) is rejected here, so that
/// writing the output can never fail on a record's content.
/// </summary>
internal static class CleanEventReader
{
    public static bool TryRead(byte[]? value, [NotNullWhen(true)] out CleanEvent? cleanEvent, [NotNullWhen(false)] out string? detail)
    {
        cleanEvent = null;
        if (value is null || value.Length == 0)
        {
            detail = "the record has no value";
            return false;
        }

        if (!System.Text.Unicode.Utf8.IsValid(value))
        {
            detail = "the record value is not valid UTF-8";
            return false;
        }

        CleanEvent? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize(value, ContractsJsonContext.Default.CleanEvent);
        }
        catch (JsonException e)
        {
            detail = Describe(value, e);
            return false;
        }

        if (parsed is null)
        {
            detail = "the record value is JSON null";
            return false;
        }

        return TryAccept(parsed, out cleanEvent, out detail);
    }

    /// <summary>
    /// The checks of <see cref="TryRead"/> after parsing, for a clean event handed over as an object by
    /// Ingest in the same process: it passes exactly when its JSON record would.
    /// </summary>
    public static bool TryAccept(CleanEvent parsed, [NotNullWhen(true)] out CleanEvent? cleanEvent, [NotNullWhen(false)] out string? detail)
    {
        cleanEvent = null;
        if (parsed.SchemaVersion != CleanEvent.CurrentSchemaVersion)
        {
            detail = $"unsupported schema_version {parsed.SchemaVersion}; this build reads version {CleanEvent.CurrentSchemaVersion}";
            return false;
        }

        detail = CheckId(parsed.EventId, "event_id")
            ?? CheckId(parsed.User, "user")
            ?? CheckId(parsed.ItemId, "item_id")
            ?? (float.IsFinite(parsed.Weight) ? null : "weight is not a finite number")
            ?? CheckList(parsed.Categories, "categories")
            ?? CheckList(parsed.Tags, "tags")
            ?? CheckOrigin(parsed.Origin);
        if (detail is not null)
        {
            return false;
        }

        cleanEvent = parsed;
        return true;
    }

    private static string Describe(byte[] value, JsonException error)
    {
        // A syntax error's message quotes the offending character, so it is replaced by its position.
        // Once the text is well-formed JSON, the serializer's messages name only the type, the property
        // path and the position (wrong type, missing required property): those are kept.
        var reader = new Utf8JsonReader(value);
        try
        {
            while (reader.Read())
            {
                // Only whether reading to the end throws matters.
            }
        }
        catch (JsonException)
        {
            return $"not well-formed JSON (line {error.LineNumber}, byte {error.BytePositionInLine})";
        }

        return $"not a clean event: {error.Message}";
    }

    // The serializer does not enforce the contract's nullability (an explicit JSON null passes), so
    // nulls are checked here. Well-formed text is its job: it refuses a lone surrogate (a JSON \uD800
    // escape), which would have no UTF-8 form in the output record.
    private static string? CheckId(string? value, string field)
    {
        if (value is null)
        {
            return $"{field} is null";
        }

        if (value.Length == 0)
        {
            return $"{field} is empty";
        }

        return Encoding.UTF8.GetByteCount(value) > EmbeddedEventCodec.MaxStringBytes
            ? $"{field} is longer than {EmbeddedEventCodec.MaxStringBytes} UTF-8 bytes"
            : null;
    }

    private static string? CheckOrigin(EventOrigin? origin) =>
        origin is not null && (origin.Partition < 0 || origin.Offset < 0) ? "origin has a negative partition or offset" : null;

    private static string? CheckList(IReadOnlyList<string>? values, string field) =>
        values is not null && values.Any(value => value is null) ? $"{field} holds a null" : null;
}
