using System.Text.Json;
using System.Text.Json.Serialization;

namespace StreamRec.Ingest;

/// <summary>
/// Reads a raw event's list of strings (categories, tags) as the serializer's own converter does: a JSON
/// array of strings or nulls, anything else a <see cref="JsonException"/> at the field. Read as one value
/// it needs no frame of its own on the serializer's read stack, whose first push allocates an array of
/// about 460 bytes, once per event that has a list (docs/benchmarks.md, the fused allocation profile).
/// </summary>
internal sealed class StringListConverter : JsonConverter<List<string>>
{
    public override List<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException();
        }

        var list = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            list.Add(reader.TokenType switch
            {
                // GetString refuses invalid UTF-16 (a lone surrogate escape) as the built-in converter does.
                JsonTokenType.String => reader.GetString()!,
                JsonTokenType.Null => null!, // kept, so that the validator names the null as it always has
                _ => throw new JsonException(),
            });
        }

        return list;
    }

    public override void Write(Utf8JsonWriter writer, List<string> value, JsonSerializerOptions options) =>
        throw new NotSupportedException("Raw events are only read.");
}
