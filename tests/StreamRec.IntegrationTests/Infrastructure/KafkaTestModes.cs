namespace StreamRec.IntegrationTests.Infrastructure;

/// <summary>Reads the test run's <see cref="KafkaTestMode"/> from the environment.</summary>
public static class KafkaTestModes
{
    public const string Variable = "STREAMREC_TEST_KAFKA";

    public static KafkaTestMode Current { get; } = Parse(Environment.GetEnvironmentVariable(Variable));

    /// <summary>Unset or empty means embedded; an unknown value is an error, never a silent default.</summary>
    public static KafkaTestMode Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "embedded" => KafkaTestMode.Embedded,
        "container" => KafkaTestMode.Container,
        _ => throw new ArgumentException($"{Variable}='{value}' is not a Kafka test mode: use 'embedded' (the default) or 'container'.", nameof(value)),
    };
}
