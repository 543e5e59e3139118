using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamRec.Contracts;
using StreamRec.Messaging;
using StreamRec.Messaging.Stages;
using StreamRec.Recommender.Ledger;
using StreamRec.Storage;

namespace StreamRec.Recommender.Stage;

/// <summary>
/// The recommend stage's work on a micro-batch of mutation records: each readable mutation is answered
/// by <see cref="ReleaseMaker"/> (in joint mode: rank with the billboard and store; in strict mode: charge
/// the ledger, draw the private release, store it) and the stored
/// record is published on the recommendations topic, keyed by the user. An unreadable mutation goes to
/// the dead-letter topic with reason <see cref="InvalidMutation"/>. Nothing here is logged about a user
/// or their items.
/// </summary>
public sealed class RecommenderProcessor : IBatchProcessor
{
    public const string Stage = "recommend";

    /// <summary>The dead-letter reason of a record that is not a readable mutation of a supported version.</summary>
    public const string InvalidMutation = "invalid_mutation";

    public const string MutationTrigger = RecommenderOptions.MutationTrigger;

    private static readonly KeyValuePair<string, object?> TriggerTag = new("trigger", MutationTrigger);

    private readonly ReleaseMaker _releases;
    private readonly TopicNames _topics;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly DeadLetters _deadLetters;
    private readonly RecommenderMetrics _metrics;
    private readonly KeyValuePair<string, object?> _modeTag;
    private readonly RedisReplicaWait? _replicaWait;

    /// <summary>
    /// With <paramref name="replicaWait"/>, a batch's ledger charges and stored releases are on replicas
    /// before its releases are published (Redis:WaitReplicas): a failover cannot then forget a charge
    /// whose release went out.
    /// </summary>
    public RecommenderProcessor(ReleaseMaker releases, TopicNames topics, RecommenderMetrics metrics, TimeProvider clock, ILogger logger, RedisReplicaWait? replicaWait = null)
    {
        ArgumentNullException.ThrowIfNull(releases);
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(logger);
        _releases = releases;
        _topics = topics;
        _clock = clock;
        _logger = logger;
        _deadLetters = new DeadLetters(Stage, topics, clock, logger);
        _metrics = metrics;
        _replicaWait = replicaWait;
        _modeTag = RecommenderMetrics.ModeTag(releases.Mode);
        _metrics.Start(TriggerTag, releases.Mode);
    }

    public string StageName => Stage;

    public IReadOnlyCollection<string> DeadLetterReasons => [InvalidMutation];

    public async ValueTask<IReadOnlyList<OutgoingRecord>> ProcessAsync(
        IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var outputs = new List<OutgoingRecord>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var users = new HashSet<string>(StringComparer.Ordinal);
        int mutations = 0, published = 0, republished = 0, refused = 0, skipped = 0;
        foreach (var record in batch)
        {
            if (!TryRead(record.Message.Value, out var mutation, out var error))
            {
                outputs.Add(_deadLetters.Reject(record, InvalidMutation, error));
                continue;
            }

            mutations++;
            if (!seen.Add(mutation.MutationId))
            {
                continue; // the same mutation twice in one batch (a replay): one answer is enough
            }

            users.Add(mutation.User);
            var result = await _releases.MakeAsync(new ReleaseRequest(
                mutation.User, mutation.MutationId, MutationTrigger, mutation.MutationId, ReleaseMaker.Unnormalised(mutation), mutation.ModelVersion)).ConfigureAwait(false);
            switch (result.Status)
            {
                case ReleaseStatus.Refused:
                    refused++;
                    continue;
                case ReleaseStatus.NoCandidates:
                    skipped++;
                    continue;
                case ReleaseStatus.Republished:
                    republished++;
                    break;
            }

            var release = result.Record!;
            published++;
            outputs.Add(new OutgoingRecord(_topics.Recommendations, new Message<byte[]?, byte[]?>
            {
                Key = Encoding.UTF8.GetBytes(mutation.User),
                Value = release,
                Timestamp = record.Message.Timestamp,
            }));
            _metrics.Published.Add(1, TriggerTag, _modeTag);
            if (record.Message.Timestamp.Type != TimestampType.NotAvailable)
            {
                var latency = _clock.GetUtcNow() - record.Message.Timestamp.UtcDateTime;
                _metrics.EventToRecommendation.Record(Math.Max(0, latency.TotalSeconds));
            }
        }

        if (_replicaWait is not null && users.Count > 0)
        {
            // A user's ledger and stored releases share the user's slot (and so one master).
            await _replicaWait.WaitAsync(users.Select(PrivacyLedger.Key)).ConfigureAwait(false);
        }

        Log.BatchProcessed(_logger, mutations, published, republished, refused, skipped);
        return outputs;
    }

    /// <summary>Reads a mutation record; the error names the rule and the field, never a value.</summary>
    internal static bool TryRead(byte[]? value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out MutationRecord? mutation, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        mutation = null;
        if (value is null || value.Length == 0)
        {
            error = "the record has no value";
            return false;
        }

        try
        {
            mutation = JsonSerializer.Deserialize(value, ContractsJsonContext.Default.MutationRecord);
        }
        catch (JsonException e)
        {
            error = $"not a mutation record (line {e.LineNumber}, byte {e.BytePositionInLine})";
            return false;
        }

        error = mutation switch
        {
            null => "the record value is JSON null",
            { SchemaVersion: not MutationRecord.CurrentSchemaVersion } m => $"unsupported schema_version {m.SchemaVersion}; this build reads version {MutationRecord.CurrentSchemaVersion}",
            { MutationId: null or "" } => "mutation_id is missing or empty",
            { User: null or "" } => "user is missing or empty",
            { ModelVersion: null or "" } => "model_version is missing or empty",
            { Interest: null or { Length: 0 } } => "interest is missing or empty",
            { Interest: var v } when v.Any(x => !float.IsFinite(x)) => "interest holds a non-finite value",
            { InterestNorm: var n } when !double.IsFinite(n) || n < 0 || n > 1.0001 => "interest_norm is not a number in [0, 1]",
            _ => null,
        };
        if (error is not null || mutation is null)
        {
            mutation = null;
            error ??= "the record value is JSON null";
            return false;
        }

        return true;
    }
}
