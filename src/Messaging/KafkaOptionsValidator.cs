using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace StreamRec.Messaging;

/// <summary>
/// Start-up validation of <see cref="KafkaOptions"/>: the bootstrap servers are given, every topic has a
/// name, and librdkafka accepts every pass-through setting (an unknown property or an impossible value
/// is reported naming its key, e.g. <c>Kafka:Client:sasl.mechanism</c>, instead of failing a stage later).
/// </summary>
public sealed class KafkaOptionsValidator : IValidateOptions<KafkaOptions>
{
    public ValidateOptionsResult Validate(string? name, KafkaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string s = KafkaOptions.SectionName;
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.BootstrapServers))
        {
            errors.Add($"{s}:BootstrapServers is required: a comma-separated host:port list of the Kafka brokers.");
        }

        foreach (var topic in typeof(TopicNames).GetProperties().Where(p => p.PropertyType == typeof(string) && p.CanWrite))
        {
            if (string.IsNullOrWhiteSpace((string?)topic.GetValue(options.Topics)))
            {
                errors.Add($"{s}:Topics:{topic.Name} must not be empty.");
            }
        }

        Probe(options.Client, "Client", options.Producer, "Producer", consumer: false, errors);
        Probe(options.Client, "Client", options.Consumer, "Consumer", consumer: true, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>
    /// Asks librdkafka itself (rd_kafka_conf_set and the client's own checks, through a client that is
    /// built and disposed at once, with no bootstrap servers: it connects nowhere) whether the settings,
    /// together, make a client. Settings are checked together because some only make sense together
    /// (sasl.mechanism with security.protocol). The failing key is the one librdkafka's message names.
    /// </summary>
    private static void Probe(Dictionary<string, string> shared, string sharedGroup, Dictionary<string, string> specific, string specificGroup, bool consumer, List<string> errors)
    {
        if (shared.Count == 0 && specific.Count == 0)
        {
            return;
        }

        KafkaNativeLibrary.EnsureLoaded();
        var config = new ClientConfig();
        foreach (var (key, value) in shared.Concat(specific))
        {
            config.Set(key, value);
        }

        config.Set("bootstrap.servers", "");
        try
        {
            if (consumer)
            {
                config.Set("group.id", "streamrec-configuration-check");
                using var probe = new ConsumerBuilder<byte[], byte[]>(config).SetLogHandler((_, _) => { }).Build();
            }
            else
            {
                using var probe = new ProducerBuilder<byte[], byte[]>(config).SetLogHandler((_, _) => { }).Build();
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or KafkaException)
        {
            var reason = e is KafkaException k ? k.Error.Reason : e.Message;
            var named = specific.Keys.Select(k => (Group: specificGroup, Key: k)).Concat(shared.Keys.Select(k => (Group: sharedGroup, Key: k)))
                .FirstOrDefault(c => reason.Contains(c.Key, StringComparison.Ordinal));
            var where = named.Key is null ? $"{KafkaOptions.SectionName}:{sharedGroup}/{specificGroup}" : $"{KafkaOptions.SectionName}:{named.Group}:{named.Key}";
            var error = $"{where} is not accepted by librdkafka: {reason}";
            if (!errors.Contains(error))
            {
                errors.Add(error);
            }
        }
    }
}
