using System.Text.Json.Serialization;

namespace StreamRec.Storage;

/// <summary>Source-generated JSON for the values StreamRec keeps in Redis.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(BillboardSnapshot))]
internal sealed partial class StorageJsonContext : JsonSerializerContext;
