using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using StreamRec.Contracts;

namespace StreamRec.Ingest;

/// <summary>
/// Applies the raw-event contract (docs/events.md) to one record value, cheapest checks first:
/// size, UTF-8, JSON syntax and nesting (one forward pass of Utf8JsonReader, which also finds duplicate
/// top-level fields), then the source-generated deserialisation (a failure there can only be a wrong
/// type, reported with the field's name), then required fields and value rules. Details name the field
/// and the rule, never the value: they end up in headers and logs.
/// </summary>
public sealed class RawEventValidator(IngestOptions options, TimeProvider clock)
{
    /// <summary>JSON nesting deeper than this is rejected (the contract needs 2: object, then lists).</summary>
    public const int MaxDepth = 8;

    private static readonly string[] RequiredFields = ["event_id", "user_id", "item_id", "type", "ts"];

    private static readonly string[] KnownFields =
        ["schema_version", "event_id", "user_id", "item_id", "type", "ts", "title", "categories", "tags", "price"];

    public ValidationResult Validate(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            return ValidationResult.Reject(RejectionReasons.Empty, "the record has no value");
        }

        if (value.Length > options.MaxEventBytes)
        {
            return ValidationResult.Reject(RejectionReasons.TooLarge, $"value is {value.Length} bytes; the limit (Ingest:MaxEventBytes) is {options.MaxEventBytes}");
        }

        if (!Utf8.IsValid(value))
        {
            return ValidationResult.Reject(RejectionReasons.InvalidUtf8, "the value is not valid UTF-8");
        }

        if (CheckSyntax(value) is { } syntaxError)
        {
            return syntaxError;
        }

        RawEventDocument document;
        try
        {
            document = JsonSerializer.Deserialize(value, IngestJsonContext.Default.RawEventDocument)!;
        }
        catch (JsonException e)
        {
            // Syntax was checked above, so this is a value of the wrong type (or a number out of range).
            return ValidationResult.Reject(RejectionReasons.WrongType, WrongTypeDetail(FieldOf(e.Path)));
        }

        // ts is read as any JSON value (it may be a number or a string), so the deserialiser cannot catch
        // a boolean, an object or a list there: the same reason and detail as any other field's wrong type.
        if (document.Ts is { Kind: not (JsonValueKind.Number or JsonValueKind.String or JsonValueKind.Null) })
        {
            return ValidationResult.Reject(RejectionReasons.WrongType, WrongTypeDetail("ts"));
        }

        return Check(document);
    }

    private static ValidationResult? CheckSyntax(ReadOnlySpan<byte> value)
    {
        var reader = new Utf8JsonReader(value, new JsonReaderOptions { MaxDepth = MaxDepth });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return ValidationResult.Reject(RejectionReasons.InvalidJson, "the value is not a JSON object");
            }

            // Only the contract's own fields matter for duplicates (unknown fields are ignored anyway):
            // one bit each, no allocation.
            var seen = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var index = KnownFieldIndex(ref reader);
                if (index >= 0)
                {
                    if ((seen & (1 << index)) != 0)
                    {
                        return ValidationResult.Reject(RejectionReasons.DuplicateField, $"field '{KnownFields[index]}' appears more than once");
                    }

                    seen |= 1 << index;
                }

                reader.Read();
                reader.Skip();
            }

            // Anything but white space after the object makes this read throw (caught below).
            reader.Read();
        }
        catch (JsonException e)
        {
            return ValidationResult.Reject(RejectionReasons.InvalidJson, $"malformed JSON at byte {e.BytePositionInLine} of line {e.LineNumber + 1}");
        }

        return null;
    }

    private static int KnownFieldIndex(ref Utf8JsonReader reader)
    {
        for (var i = 0; i < KnownFields.Length; i++)
        {
            if (reader.ValueTextEquals(KnownFields[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private ValidationResult Check(RawEventDocument d)
    {
        if (d.SchemaVersion is { } version && version != RawEvent.CurrentSchemaVersion)
        {
            return ValidationResult.Reject(RejectionReasons.UnsupportedSchemaVersion, $"schema_version {version} is not supported (this build reads {RawEvent.CurrentSchemaVersion})");
        }

        // The first missing field in RequiredFields' order, without an array per event.
        var missing = d.EventId is null ? 0 : d.UserId is null ? 1 : d.ItemId is null ? 2 : d.Type is null ? 3
            : d.Ts is null || d.Ts.Value.Kind == JsonValueKind.Null ? 4 : -1;
        if (missing >= 0)
        {
            return ValidationResult.Reject(RejectionReasons.MissingField, $"required field '{RequiredFields[missing]}' is missing or null");
        }

        if ((CheckId("event_id", d.EventId!) ?? CheckId("user_id", d.UserId!) ?? CheckId("item_id", d.ItemId!)) is { } idError)
        {
            return idError;
        }

        if (!options.EventTypeWeights.TryGetValue(d.Type!, out var weight))
        {
            return ValidationResult.Reject(RejectionReasons.UnknownEventType, $"type is not one of the configured event types ({string.Join(", ", options.EventTypeWeights.Keys)})");
        }

        var ts = ParseTimestamp(d.Ts!.Value);
        if (ts is null)
        {
            return ValidationResult.Reject(RejectionReasons.InvalidTimestamp, "ts must be an integer of epoch milliseconds or an RFC 3339 string with an offset");
        }

        if (CheckWindow(ts.Value) is { } windowError)
        {
            return windowError;
        }

        if ((CheckList("categories", d.Categories) ?? CheckList("tags", d.Tags)) is { } listError)
        {
            return listError;
        }

        if (d.Title is { Length: > 1024 })
        {
            return ValidationResult.Reject(RejectionReasons.InvalidField, "title is longer than 1024 characters");
        }

        if (d.Price is { } price && !(price >= 0 && double.IsFinite(price)))
        {
            return ValidationResult.Reject(RejectionReasons.InvalidField, "price must be a finite number >= 0");
        }

        return ValidationResult.Valid(new ValidatedEvent(
            d.EventId!, d.UserId!, d.ItemId!, d.Type!, weight, ts.Value, d.Title, d.Categories, d.Tags));
    }

    private ValidationResult? CheckId(string field, string id)
    {
        if (id.Length == 0 || string.IsNullOrWhiteSpace(id))
        {
            return ValidationResult.Reject(RejectionReasons.InvalidField, $"{field} is empty");
        }

        return id.Length > options.MaxIdLength
            ? ValidationResult.Reject(RejectionReasons.InvalidField, $"{field} is longer than {options.MaxIdLength} characters (Ingest:MaxIdLength)")
            : null;
    }

    private ValidationResult? CheckList(string field, List<string>? values)
    {
        if (values is null)
        {
            return null;
        }

        if (values.Count > options.MaxListItems)
        {
            return ValidationResult.Reject(RejectionReasons.InvalidField, $"{field} has {values.Count} entries; the limit (Ingest:MaxListItems) is {options.MaxListItems}");
        }

        foreach (var entry in values)
        {
            if (entry is null)
            {
                return ValidationResult.Reject(RejectionReasons.WrongType, $"field '{field}' holds a null; it must be a list of strings");
            }

            if (entry.Length is 0 or > 128)
            {
                return ValidationResult.Reject(RejectionReasons.InvalidField, $"{field} entries must be 1 to 128 characters");
            }
        }

        return null;
    }

    private ValidationResult? CheckWindow(long ms)
    {
        var now = clock.GetUtcNow();
        var earliest = options.EarliestTimestamp;
        if (options.MaxEventAge is { } age && now - age > earliest)
        {
            earliest = now - age;
        }

        if (ms < earliest.ToUnixTimeMilliseconds())
        {
            return ValidationResult.Reject(RejectionReasons.TimestampOutOfWindow, $"ts is before {earliest.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'} (Ingest:EarliestTimestamp / Ingest:MaxEventAge)");
        }

        return ms > (now + options.MaxClockSkew).ToUnixTimeMilliseconds()
            ? ValidationResult.Reject(RejectionReasons.TimestampOutOfWindow, $"ts is more than {options.MaxClockSkew} in the future (Ingest:MaxClockSkew)")
            : null;
    }

    /// <summary>Epoch milliseconds from an integer number or an RFC 3339 string with Z or an offset.</summary>
    internal static long? ParseTimestamp(RawTimestamp ts)
    {
        switch (ts.Kind)
        {
            case JsonValueKind.Number:
                return ts.Integer;
            case JsonValueKind.String:
                var text = ts.Text!;
                // RFC 3339 requires the 'T' (or space) separator and an explicit offset; "K" alone would accept none.
                if (text.Length < 20 || !(text.EndsWith('Z') || text.EndsWith('z') || text[^6] is '+' or '-'))
                {
                    return null;
                }

                return DateTimeOffset.TryParseExact(
                    text.Replace(' ', 'T').ToUpperInvariant(),
                    ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"],
                    CultureInfo.InvariantCulture,
                    DateTimeStyles.None,
                    out var time)
                    ? time.ToUnixTimeMilliseconds()
                    : null;
            default:
                return null;
        }
    }

    private static string FieldOf(string? path)
    {
        // "$.categories[2]" -> "categories"; "$['odd name']" -> "odd name"
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "(root)";
        }

        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        var end = field.IndexOfAny(['.', '[']);
        return Truncate(end > 0 ? field[..end] : field.Trim('[', ']', '\''));
    }

    private static string WrongTypeDetail(string field) => $"field '{field}' has the wrong type: {ExpectedType(field)}";

    private static string ExpectedType(string field) => field switch
    {
        "schema_version" => "an integer is required",
        "categories" or "tags" => "a list of strings is required",
        "price" => "a number is required",
        "ts" => "a number or a string is required",
        _ => "a string is required",
    };

    private static string Truncate(string name) => name.Length <= 64 ? name : name[..64] + "...";
}
