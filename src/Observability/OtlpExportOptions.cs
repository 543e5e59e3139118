namespace StreamRec.Observability;

/// <summary>OTLP metric export (section "Observability:Otlp"), alongside the Prometheus endpoint.</summary>
public sealed class OtlpExportOptions
{
    public const string Grpc = "grpc";
    public const string HttpProtobuf = "http/protobuf";

    /// <summary>Collector endpoint, e.g. http://otel-collector:4317 (grpc) or http://otel-collector:4318/v1/metrics (http/protobuf). Empty: no export.</summary>
    public string Endpoint { get; set; } = "";

    /// <summary><c>grpc</c> or <c>http/protobuf</c>.</summary>
    public string Protocol { get; set; } = Grpc;

    /// <summary>Extra request headers as <c>key=value,key2=value2</c> (e.g. a collector's API key; keep it in a Secret).</summary>
    public string Headers { get; set; } = "";

    public TimeSpan ExportInterval { get; set; } = TimeSpan.FromSeconds(15);

    public bool Enabled => !string.IsNullOrWhiteSpace(Endpoint);
}
