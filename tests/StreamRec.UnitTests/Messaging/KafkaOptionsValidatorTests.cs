using StreamRec.Messaging;

namespace StreamRec.UnitTests.Messaging;

public sealed class KafkaOptionsValidatorTests
{
    [Theory]
    [InlineData("Consumer", "enable.auto.offset.store", "true")]
    [InlineData("Consumer", "enable.auto.commit", "false")]
    [InlineData("Consumer", "group.id", "someone-else")]
    [InlineData("Client", "enable.auto.offset.store", "true")]
    [InlineData("Producer", "enable.idempotence", "false")]
    [InlineData("Producer", "acks", "1")]
    [InlineData("Producer", "transactional.id", "tx")]
    [InlineData("Client", "bootstrap.servers", "elsewhere:9092")]
    public void A_setting_the_stages_cannot_honour_is_refused_naming_its_key(string group, string key, string value)
    {
        var options = new KafkaOptions { BootstrapServers = "b:9092" };
        var settings = group switch
        {
            "Client" => options.Client,
            "Consumer" => options.Consumer,
            _ => options.Producer,
        };
        settings[key] = value;

        var result = new KafkaOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith($"Kafka:{group}:{key} cannot be honoured", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Consumer", "enable.auto.offset.store", "false")]
    [InlineData("Consumer", "enable.auto.commit", "true")]
    [InlineData("Consumer", "partition.assignment.strategy", "roundrobin")]
    [InlineData("Consumer", "partition.assignment.strategy", "cooperative-sticky")]
    [InlineData("Producer", "acks", "all")]
    [InlineData("Producer", "acks", "-1")]
    public void The_values_the_stages_use_themselves_and_free_settings_pass(string group, string key, string value)
    {
        var options = new KafkaOptions { BootstrapServers = "b:9092" };
        (group == "Consumer" ? options.Consumer : options.Producer)[key] = value;

        var result = new KafkaOptionsValidator().Validate(null, options);

        Assert.True(result.Succeeded, string.Join("; ", result.Failures ?? []));
    }
}
