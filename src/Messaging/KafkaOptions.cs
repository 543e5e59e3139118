namespace StreamRec.Messaging;

/// <summary>
/// How StreamRec reaches Kafka. <see cref="Client"/> passes any librdkafka setting through unchanged
/// (security.protocol, sasl.*, ssl.*, ...), so a production cluster needs no code change.
/// </summary>
public sealed class KafkaOptions
{
    public const string SectionName = "Kafka";

    /// <summary>Comma-separated host:port list. Empty means "use the embedded broker" in the demo.</summary>
    public string BootstrapServers { get; set; } = "";

    /// <summary>Extra librdkafka properties applied to every producer and consumer.</summary>
    public Dictionary<string, string> Client { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Extra librdkafka properties for producers only (applied after <see cref="Client"/>).</summary>
    public Dictionary<string, string> Producer { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Extra librdkafka properties for consumers only (applied after <see cref="Client"/>).</summary>
    public Dictionary<string, string> Consumer { get; set; } = new(StringComparer.Ordinal);

    public TopicNames Topics { get; set; } = new();
}
