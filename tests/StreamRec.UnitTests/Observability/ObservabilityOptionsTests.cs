using StreamRec.Messaging;
using StreamRec.Observability;
using StreamRec.Storage;

namespace StreamRec.UnitTests.Observability;

public sealed class ObservabilityOptionsTests
{
    [Fact]
    public void Defaults_are_valid_and_otlp_is_off() =>
        Assert.True(new ObservabilityOptionsValidator().Validate(null, new ObservabilityOptions()).Succeeded);

    [Fact]
    public void Impossible_values_are_reported_naming_their_keys()
    {
        var options = new ObservabilityOptions { ListenAddress = "localhost", Port = 0 };
        options.Otlp.Endpoint = "collector:4317";
        options.Otlp.Protocol = "http";

        var failures = new ObservabilityOptionsValidator().Validate(null, options).Failures!.ToList();

        Assert.Contains(failures, f => f.StartsWith("Observability:ListenAddress", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Observability:Port", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Observability:Otlp:Endpoint", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Observability:Otlp:Protocol", StringComparison.Ordinal));
    }

    [Fact]
    public void Kafka_pass_through_settings_are_checked_by_librdkafka_itself()
    {
        var options = new KafkaOptions { BootstrapServers = "kafka:9092" };
        options.Client["security.protocol"] = "SASL_SSL";
        options.Client["sasl.mechanism"] = "SCRAM-SHA-512";
        var missingSecret = new KafkaOptionsValidator().Validate(null, options);
        Assert.Contains("sasl.username and sasl.password must be set", missingSecret.FailureMessage, StringComparison.Ordinal);
        options.Client["sasl.username"] = "streamrec";
        options.Client["sasl.password"] = "secret";
        var valid = new KafkaOptionsValidator().Validate(null, options);
        Assert.True(valid.Succeeded, valid.FailureMessage);

        options.Consumer["fetch.max.bytes"] = "lots";
        options.Producer["no.such.property"] = "1";
        var failures = new KafkaOptionsValidator().Validate(null, options).Failures!.ToList();

        Assert.Equal(2, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Kafka:Consumer:fetch.max.bytes is not accepted by librdkafka", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Kafka:Producer:no.such.property is not accepted by librdkafka", StringComparison.Ordinal));
    }

    [Fact]
    public void An_empty_topic_name_is_reported_naming_its_key()
    {
        var options = new KafkaOptions { BootstrapServers = "kafka:9092" };
        options.Topics.Mutations = " ";

        Assert.Equal(["Kafka:Topics:Mutations must not be empty."], new KafkaOptionsValidator().Validate(null, options).Failures);
    }

    [Fact]
    public void Redis_configuration_is_required_and_the_password_never_appears_in_a_message()
    {
        var failures = new RedisOptionsValidator().Validate(null, new RedisOptions { Password = "hunter2", Database = 99 }).Failures!.ToList();

        Assert.Contains(failures, f => f.StartsWith("Redis:Configuration is required", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Redis:Database", StringComparison.Ordinal));
        Assert.DoesNotContain(failures, f => f.Contains("hunter2", StringComparison.Ordinal));
        Assert.True(new RedisOptionsValidator().Validate(null, new RedisOptions { Configuration = "redis-0:6379,ssl=true" }).Succeeded);
    }

    [Fact]
    public void A_replica_wait_is_between_0_and_16_replicas_and_never_an_endless_wait()
    {
        var failures = new RedisOptionsValidator().Validate(null, new RedisOptions { Configuration = "a:1,b:2,c:3", WaitReplicas = -1, WaitTimeoutMs = 0 }).Failures!.ToList();

        Assert.Contains(failures, f => f.StartsWith("Redis:WaitReplicas must be between 0", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Redis:WaitTimeoutMs must be at least 1", StringComparison.Ordinal));
        Assert.True(new RedisOptionsValidator().Validate(null, new RedisOptions { Configuration = "a:1,b:2,c:3", WaitReplicas = 1 }).Succeeded);
    }
}
