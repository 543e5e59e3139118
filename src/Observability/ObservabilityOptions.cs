namespace StreamRec.Observability;

/// <summary>
/// Configuration of a worker's HTTP endpoints and metric export (section "Observability"). Validated at
/// start by <see cref="ObservabilityOptionsValidator"/>.
/// </summary>
public sealed class ObservabilityOptions
{
    public const string SectionName = "Observability";

    /// <summary>Address the HTTP server binds (<c>/metrics</c>, <c>/healthz</c>, <c>/readyz</c>). 0.0.0.0 in a pod; 127.0.0.1 on a laptop.</summary>
    public string ListenAddress { get; set; } = "0.0.0.0";

    /// <summary>Port of that server (the chart's metrics port).</summary>
    public int Port { get; set; } = 9400;

    /// <summary>How often the readiness checks run; <c>/readyz</c> answers from the latest round.</summary>
    public TimeSpan ReadinessInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A Redis PING slower than this fails the readiness check.</summary>
    public TimeSpan RedisCheckTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Kafka is "connected" when a consumer's latest librdkafka statistics (every
    /// <c>statistics.interval.ms</c>, 5 s by default) show a broker up and are no older than this.
    /// </summary>
    public TimeSpan KafkaStatisticsMaxAge { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Optional OTLP export of the same metrics, off unless <see cref="OtlpExportOptions.Endpoint"/> is set.</summary>
    public OtlpExportOptions Otlp { get; set; } = new();
}
