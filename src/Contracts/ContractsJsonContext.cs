using System.Text.Json.Serialization;

namespace StreamRec.Contracts;

/// <summary>Source-generated JSON (de)serialisation of the contracts: snake_case names, nulls omitted.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RawEvent))]
[JsonSerializable(typeof(CleanEvent))]
[JsonSerializable(typeof(MutationRecord))]
[JsonSerializable(typeof(RecommendationRecord))]
[JsonSerializable(typeof(CatalogItemRecord))]
[JsonSerializable(typeof(BillboardRecord))]
public sealed partial class ContractsJsonContext : JsonSerializerContext;
