using System.Text.Json;
using System.Text.Json.Serialization;

namespace StreamRec.Ingest;

/// <summary>
/// A raw event's <c>ts</c> as read: the kind of JSON value it was, and the integer or the text where it
/// was a number or a string (the contract accepts epoch milliseconds or RFC 3339). Read by
/// <see cref="RawTimestampConverter"/> straight from the reader, instead of as a
/// <see cref="JsonElement"/>, which builds a small JsonDocument for every event.
/// </summary>
/// <param name="Kind">The JSON value kind (Number, String, or another kind the validator rejects).</param>
/// <param name="Integer">A number's value when it is an integer that fits a long (<see cref="Utf8JsonReader.TryGetInt64"/>).</param>
/// <param name="Text">A string's value.</param>
[JsonConverter(typeof(RawTimestampConverter))]
internal readonly record struct RawTimestamp(JsonValueKind Kind, long? Integer = null, string? Text = null);
