using System.Text.Json;
using System.Text.Json.Serialization;

namespace StreamRec.Ingest;

/// <summary>Reads any JSON value as a <see cref="RawTimestamp"/>, as a <see cref="JsonElement"/> would accept it; the validator judges the kind.</summary>
internal sealed class RawTimestampConverter : JsonConverter<RawTimestamp>
{
    public override RawTimestamp Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                return new RawTimestamp(JsonValueKind.Number, reader.TryGetInt64(out var ms) ? ms : null);
            case JsonTokenType.String:
                return new RawTimestamp(JsonValueKind.String, Text: reader.GetString());
            case JsonTokenType.StartObject:
                reader.Skip();
                return new RawTimestamp(JsonValueKind.Object);
            case JsonTokenType.StartArray:
                reader.Skip();
                return new RawTimestamp(JsonValueKind.Array);
            case JsonTokenType.True:
                return new RawTimestamp(JsonValueKind.True);
            case JsonTokenType.False:
                return new RawTimestamp(JsonValueKind.False);
            default:
                return new RawTimestamp(JsonValueKind.Null);
        }
    }

    public override void Write(Utf8JsonWriter writer, RawTimestamp value, JsonSerializerOptions options) =>
        throw new NotSupportedException("Raw events are only read.");
}
