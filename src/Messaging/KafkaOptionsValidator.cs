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

        Refuse(options.Client, "Client", consumer: true, errors);
        Refuse(options.Client, "Client", consumer: false, errors);
        Refuse(options.Consumer, "Consumer", consumer: true, errors);
        Refuse(options.Producer, "Producer", consumer: false, errors);
        Probe(options.Client, "Client", options.Producer, "Producer", consumer: false, errors);
        Probe(options.Client, "Client", options.Consumer, "Consumer", consumer: true, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>
    /// Settings that the stage loop's guarantees rest on, with the values it can honour (none: the key may
    /// not be passed through) and why. <see cref="KafkaClientConfigs"/> would override them anyway; refusing
    /// them at start says so, where a silent override would leave the operator believing otherwise.
    /// </summary>
    private static readonly Dictionary<string, (string[] Values, string Why)> ConsumerRules = new(StringComparer.Ordinal)
    {
        ["enable.auto.offset.store"] = (["false"], "a stage stores an input offset only after the record's outputs are acknowledged and its state is written"),
        ["enable.auto.commit"] = (["true"], "a stage relies on librdkafka committing the stored offsets in the background"),
        ["group.id"] = ([], "each stage consumes as its own group (the stage's GroupId setting)"),
        ["bootstrap.servers"] = ([], "set Kafka:BootstrapServers"),
    };

    private static readonly Dictionary<string, (string[] Values, string Why)> ProducerRules = new(StringComparer.Ordinal)
    {
        ["enable.idempotence"] = (["true"], "retries must never duplicate or reorder a user's records"),
        ["acks"] = (["all", "-1"], "an output counts as delivered only when every in-sync replica has it"),
        ["transactional.id"] = ([], "stages do not use transactions: they are idempotent by offset and event id"),
        ["bootstrap.servers"] = ([], "set Kafka:BootstrapServers"),
    };

    private static void Refuse(Dictionary<string, string> settings, string group, bool consumer, List<string> errors)
    {
        var rules = consumer ? ConsumerRules : ProducerRules;
        foreach (var (key, value) in settings)
        {
            if (rules.TryGetValue(key, out var rule) && !rule.Values.Contains(value.Trim(), StringComparer.OrdinalIgnoreCase))
            {
                var allowed = rule.Values.Length == 0 ? "it cannot be set here" : $"only '{string.Join("' or '", rule.Values)}' is accepted";
                var error = $"{KafkaOptions.SectionName}:{group}:{key} cannot be honoured by the stages ({allowed}): {rule.Why}.";
                if (!errors.Contains(error))
                {
                    errors.Add(error);
                }
            }
        }
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
