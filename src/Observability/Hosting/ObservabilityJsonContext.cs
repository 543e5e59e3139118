using System.Text.Json.Serialization;

namespace StreamRec.Observability.Hosting;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ReadinessBody))]
internal sealed partial class ObservabilityJsonContext : JsonSerializerContext;
