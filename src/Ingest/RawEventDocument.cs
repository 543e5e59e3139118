using System.Text.Json.Serialization;

namespace StreamRec.Ingest;

/// <summary>
/// The raw-event JSON as read, before validation: every field optional so that a missing field is
/// reported by name rather than as a parse failure. <c>ts</c> stays a raw value (<see cref="RawTimestamp"/>)
/// because the contract accepts a number (epoch ms) or a string (RFC 3339). Unknown fields are ignored (forward compatibility)
/// and never forwarded.
/// </summary>
internal sealed class RawEventDocument
{
    public int? SchemaVersion { get; set; }

    public string? EventId { get; set; }

    public string? UserId { get; set; }

    public string? ItemId { get; set; }

    public string? Type { get; set; }

    public RawTimestamp? Ts { get; set; }

    public string? Title { get; set; }

    [JsonConverter(typeof(StringListConverter))]
    public List<string>? Categories { get; set; }

    [JsonConverter(typeof(StringListConverter))]
    public List<string>? Tags { get; set; }

    public double? Price { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, MaxDepth = RawEventValidator.MaxDepth)]
[JsonSerializable(typeof(RawEventDocument))]
internal sealed partial class IngestJsonContext : JsonSerializerContext;
