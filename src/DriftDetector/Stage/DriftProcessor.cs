using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamRec.Contracts;
using StreamRec.DriftDetector.Detection;
using StreamRec.DriftDetector.Explanation;
using StreamRec.DriftDetector.State;
using StreamRec.Messaging;
using StreamRec.Messaging.Stages;
using StreamRec.Storage;

namespace StreamRec.DriftDetector.Stage;

/// <summary>
/// The drift stage's work on a micro-batch of embedded events:
/// <list type="number">
/// <item>each record is decoded (an unreadable one goes to the dead-letter topic with reason
/// <see cref="InvalidEmbeddedEvent"/>);</item>
/// <item>the state of every user not in the cache is loaded from Redis, in one pipeline;</item>
/// <item>events are applied in input order (<see cref="InterestDriftDetector"/>); an event at or below
/// the offset the user's state already holds (same partition) is a replay and is skipped, and so is an
/// event whose raw-topic origin (<see cref="EventOrigin"/>) is at or below the origin of the last event
/// applied to the user (same raw partition): a copy that a replay of Ingest or the Embedder produced
/// again at a new offset. A user's events from one raw partition reach this stage in raw-offset order
/// (every topic is keyed by the user), so a lower origin can only be such a copy;</item>
/// <item>a mutation becomes a <see cref="MutationRecord"/> on the mutations topic, explained by
/// <see cref="MutationExplainer"/>;</item>
/// <item>once the outputs are acknowledged, <see cref="CompleteBatchAsync"/> writes each touched
/// user's state once, in one pipeline of idempotent scripts (<see cref="DriftStateStore"/>).</item>
/// </list>
/// The consumer owning a partition is the only writer of its users (records are keyed by user), so the
/// cache is write-through and authoritative while the partitions are owned; it is dropped when they are
/// revoked or lost (<see cref="PartitionsRevoked"/>, <see cref="PartitionsLost"/>).
/// Not thread-safe: <see cref="StageLoop"/> calls it from one loop at a time.
/// </summary>
public sealed class DriftProcessor : IStatefulBatchProcessor
{
    public const string Stage = "drift";

    /// <summary>The dead-letter reason of a record that is not a readable embedded event.</summary>
    public const string InvalidEmbeddedEvent = "invalid_embedded_event";

    /// <summary>The partition of a user's state before any event was applied.</summary>
    private const int NoPosition = -1;

    private readonly InterestDriftDetector _detector;
    private readonly DriftParameters _parameters;
    private readonly DriftStateStore _store;
    private readonly ExplanationCatalog _catalog;
    private readonly MutationExplainer _explainer;
    private readonly TopicNames _topics;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly DeadLetters _deadLetters;
    private readonly DriftMetrics _metrics;
    private readonly int _userCacheCapacity;
    private readonly int _recentItems;
    private readonly Dictionary<string, CachedUser> _users = new(StringComparer.Ordinal);
    private readonly Queue<List<PendingWrite>> _pendingBatches = new();
    private float[] _previousLong = [];
    private float[] _clipped = [];
    private long _batchNumber;

    public DriftProcessor(
        DriftDetectorOptions options, DriftStateStore store, ItemCatalogReader catalog, TopicNames topics, DriftMetrics metrics, TimeProvider clock, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(logger);
        _parameters = options.Detection;
        _detector = new InterestDriftDetector(options.Detection);
        _store = store;
        _catalog = new ExplanationCatalog(catalog, options.Explanation.ItemCapacity, metrics, logger);
        _explainer = new MutationExplainer(options.Explanation);
        _topics = topics;
        _clock = clock;
        _logger = logger;
        _deadLetters = new DeadLetters(Stage, topics, clock, logger);
        _metrics = metrics;
        _metrics.Start();
        _userCacheCapacity = options.UserCacheCapacity;
        _recentItems = options.RecentItems;
    }

    public string StageName => Stage;

    public IReadOnlyCollection<string> DeadLetterReasons => [InvalidEmbeddedEvent];

    /// <summary>The Embedder's event, handed over in a fused chain, is taken as it is instead of being decoded again.</summary>
    public bool ReadsPayloads => true;

    /// <summary>Users whose state is cached now (for tests and diagnostics).</summary>
    public int CachedUsers => _users.Count;

    /// <summary>Processed batches whose state is not written yet.</summary>
    public int PendingBatches => _pendingBatches.Count;

    public async ValueTask<IReadOnlyList<OutgoingRecord>> ProcessAsync(
        IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        _batchNumber++;
        var outputs = new List<OutgoingRecord>();
        var events = new List<(ConsumeResult<byte[]?, byte[]?> Record, EmbeddedEvent Event)>(batch.Count);
        foreach (var record in batch)
        {
            var handed = (record as HandedOnRecord)?.Payload as EmbeddedEvent;
            if (handed is not null ? Accept(handed, out var embedded, out var error) : EmbeddedEventCodec.TryRead(record.Message.Value, out embedded, out error))
            {
                if (Encoding.UTF8.GetByteCount(embedded.ModelVersion) > DriftStateRecord.MaxModelVersionBytes)
                {
                    error = $"model_version is longer than the {DriftStateRecord.MaxModelVersionBytes} UTF-8 bytes the drift state can hold";
                }
                else if (embedded.Weight is not (> 0 and <= 1))
                {
                    // Ingest's weights lie in (0, 1]; the recommendations' sensitivity bound assumes it.
                    error = "weight is not in (0, 1]";
                }
                else
                {
                    events.Add((record, embedded));
                    continue;
                }
            }

            // An event handed over without its record is dead-lettered as the record the Embedder would have written.
            outputs.Add(_deadLetters.Reject(handed is not null && record.Message.Value is null ? Written((HandedOnRecord)record, handed) : record, InvalidEmbeddedEvent, error));
        }

        var loaded = await LoadMissingUsersAsync(events).ConfigureAwait(false);

        var writes = new List<PendingWrite>();
        var detected = new List<DetectedMutation>();
        int applied = 0, replayed = 0, mutations = 0;
        foreach (var (record, embedded) in events)
        {
            var user = _users[embedded.User];
            var partition = PositionPartitionOf(record.Topic, record.Partition.Value);
            if ((user.Partition == partition && record.Offset.Value <= user.Offset) || IsUpstreamCopy(embedded.Origin, user.Origin))
            {
                replayed++;
                continue;
            }

            var embedding = embedded.Embedding.Span;
            if (!string.Equals(user.ModelVersion, embedded.ModelVersion, StringComparison.Ordinal) || user.State.Short.Length != embedding.Length)
            {
                // Vectors of another model (or dimension) are not comparable with these: start afresh.
                if (user.State.Events > 0)
                {
                    _metrics.StateResets.Add(1);
                }

                user.State = UserDriftState.New(embedding.Length, _parameters);
                user.ModelVersion = embedded.ModelVersion;
            }

            if (_previousLong.Length != embedding.Length)
            {
                _previousLong = new float[embedding.Length];
            }

            user.State.Long.CopyTo(_previousLong.AsSpan());
            var step = _detector.Apply(user.State, Clipped(embedding), embedded.Weight);
            user.Partition = partition;
            user.Offset = record.Offset.Value;
            user.Origin = embedded.Origin ?? user.Origin;
            applied++;
            _metrics.Score.Record(step.Score);
            if (user.LastBatch != _batchNumber)
            {
                user.LastBatch = _batchNumber;
                user.BatchWrite = new PendingWrite(embedded.User, user) { RecentItems = _recentItems > 0 ? [] : null };
                writes.Add(user.BatchWrite);
            }

            user.BatchWrite!.RecentItems?.Add((embedded.ItemId, record.Offset.Value));

            if (step.Mutation)
            {
                mutations++;
                detected.Add(Detected(record, embedded, step, user.State));
            }
        }

        foreach (var mutation in detected)
        {
            outputs.Add(await ExplainedAsync(mutation).ConfigureAwait(false));
        }

        // The state as of the end of this batch, encoded now: the cache moves on with the next batch
        // before this one's outputs are acknowledged.
        foreach (var write in writes)
        {
            write.Encode();
            write.User.PendingWrites++;
        }

        _pendingBatches.Enqueue(writes);
        _metrics.Applied.Add(applied);
        _metrics.Replayed.Add(replayed);
        _metrics.Mutations.Add(mutations);
        Log.BatchProcessed(_logger, batch.Count, applied, replayed, mutations, loaded, writes.Count);
        return outputs;
    }

    public async Task CompleteBatchAsync()
    {
        if (!_pendingBatches.TryDequeue(out var writes))
        {
            throw new InvalidOperationException("CompleteBatchAsync was called without a processed batch awaiting it.");
        }

        if (writes.Count > 0)
        {
            var started = Stopwatch.GetTimestamp();
            var results = await _store.ApplyAsync([.. writes.Select(w => w.Write!)], _recentItems).ConfigureAwait(false);
            _metrics.RedisSeconds.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("operation", "state_write"));
            var refused = results.Count(applied => !applied);
            if (refused > 0)
            {
                _metrics.WritesRefused.Add(refused);
                Log.WritesRefused(_logger, refused);
            }
        }

        foreach (var write in writes)
        {
            write.User.PendingWrites--;
        }

        EvictIfOverCapacity();
    }

    public void PartitionsRevoked(IReadOnlyCollection<TopicPartition> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        var revoked = partitions.Select(PositionPartition).ToHashSet();
        var rawTopic = partitions.Any(p => p.Topic == _topics.Raw);
        var dropped = 0;
        foreach (var (user, cached) in _users.ToList())
        {
            // Also every user without a position, or with one on the other topic (a state written before
            // the topology changed): whether this member still owns them is unknown.
            if (revoked.Contains(cached.Partition) || cached.Partition == NoPosition || (cached.Partition < NoPosition) != rawTopic)
            {
                _users.Remove(user);
                dropped++;
            }
        }

        Log.CacheDropped(_logger, partitions.Count, "revoked", dropped);
    }

    public void PartitionsLost(IReadOnlyCollection<TopicPartition> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        // Every batch not yet written is abandoned (the stage loop drops them all), so every cached state
        // may be ahead of Redis: all of it goes, whatever partition it belongs to.
        _pendingBatches.Clear();
        var dropped = _users.Count;
        _users.Clear();
        Log.CacheDropped(_logger, partitions.Count, "lost", dropped);
    }

    /// <summary>An event handed over as an object: its record, written, would always decode (the Embedder checked it).</summary>
    private static bool Accept(
        EmbeddedEvent handed, [NotNullWhen(true)] out EmbeddedEvent? embedded, [NotNullWhen(false)] out string? error)
    {
        embedded = handed;
        error = null;
        return true;
    }

    private static ConsumeResult<byte[]?, byte[]?> Written(HandedOnRecord record, EmbeddedEvent embedded)
    {
        var message = PipelineMessages.Embedded(embedded, record.Message.Timestamp);
        return record.WithValue(message.Key, message.Value);
    }

    /// <summary>
    /// The embedding with its length clipped to 1. The default encoder's are unit vectors; a replacement
    /// model's might not be, and the Recommender's privacy guarantee rests on every event moving the
    /// interest vector by at most 2 a w_max, which needs ||e|| &lt;= 1 (docs/privacy.md). A vector
    /// normalised in float32 may exceed 1 by up to gamma_(D+2) = (D+2)u/(1-(D+2)u), u = 2^-24, which that
    /// analysis already allows for (ScoreSensitivity.Float32RoundingBound): such vectors pass unchanged.
    /// </summary>
    private ReadOnlySpan<float> Clipped(ReadOnlySpan<float> embedding)
    {
        var norm = System.Numerics.Tensors.TensorPrimitives.Norm(embedding);
        var slack = (embedding.Length + 2) / 16_777_216.0;
        if (norm <= 1 + (slack / (1 - slack)))
        {
            return embedding;
        }

        if (_clipped.Length != embedding.Length)
        {
            _clipped = new float[embedding.Length];
        }

        System.Numerics.Tensors.TensorPrimitives.Divide(embedding, norm, _clipped);
        return _clipped;
    }

    /// <summary>Loads the stored state of the batch's users that are not cached; returns how many were looked up.</summary>
    private async Task<int> LoadMissingUsersAsync(List<(ConsumeResult<byte[]?, byte[]?> Record, EmbeddedEvent Event)> events)
    {
        var missing = events.Select(e => e.Event.User).Where(u => !_users.ContainsKey(u)).Distinct(StringComparer.Ordinal).ToList();
        if (missing.Count == 0)
        {
            return 0;
        }

        var started = Stopwatch.GetTimestamp();
        var stored = await _store.LoadAsync(missing).ConfigureAwait(false);
        _metrics.RedisSeconds.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("operation", "state_load"));
        for (var i = 0; i < missing.Count; i++)
        {
            _users[missing[i]] = stored[i] is { } s
                ? new CachedUser(s.State, s.ModelVersion, s.Partition, s.Offset) { Origin = s.Origin }
                : new CachedUser(UserDriftState.New(1, _parameters), "", NoPosition, -1);
        }

        return missing.Count;
    }

    /// <summary>The mutation record as of the triggering event, with the old interest kept for its explanation.</summary>
    private DetectedMutation Detected(ConsumeResult<byte[]?, byte[]?> record, EmbeddedEvent embedded, DriftStep step, UserDriftState state)
    {
        var interest = state.Short.ToArray();
        var norm = System.Numerics.Tensors.TensorPrimitives.Norm(interest);
        if (norm > 0)
        {
            System.Numerics.Tensors.TensorPrimitives.Divide(interest, norm, interest);
        }

        var mutation = new MutationRecord
        {
            MutationId = embedded.Origin is { } origin
                ? OriginMutationId(embedded.User, origin)
                : MutationId(embedded.User, record.Partition.Value, record.Offset.Value),
            User = embedded.User,
            Ts = embedded.Ts,
            DetectedAt = _clock.GetUtcNow().ToUnixTimeMilliseconds(),
            EventId = embedded.EventId,
            Score = Math.Round(step.Cusum, 4),
            Threshold = Math.Round(_parameters.ThresholdAfter(state.Events), 4),
            Drift = Math.Round(step.Drift, 6),
            Z = Math.Round(step.Score, 4),
            Events = state.Events,
            ModelVersion = embedded.ModelVersion,
            Source = new MutationSource(record.Topic, record.Partition.Value, record.Offset.Value),
            Interest = interest,
            InterestNorm = norm,
            Explanation = new MutationExplanation { Summary = "", Gained = [], Lost = [], ExamplesBefore = [], ExamplesAfter = [] }, // set by ExplainedAsync
        };
        return new DetectedMutation(record, mutation, _previousLong.ToArray(), state.Short.ToArray());
    }

    /// <summary>The mutation explained against the public catalog of its model (<see cref="ExplanationCatalog"/>), as the record to publish.</summary>
    private async Task<OutgoingRecord> ExplainedAsync(DetectedMutation detected)
    {
        var items = await _catalog.CurrentAsync(detected.Mutation.ModelVersion, detected.After.Length).ConfigureAwait(false);
        var mutation = detected.Mutation with { Explanation = _explainer.Explain(detected.Before, detected.After, items) };
        return new OutgoingRecord(_topics.Mutations, new Message<byte[]?, byte[]?>
        {
            Key = Encoding.UTF8.GetBytes(mutation.User),
            Value = JsonSerializer.SerializeToUtf8Bytes(mutation, ContractsJsonContext.Default.MutationRecord),
            Timestamp = detected.Record.Message.Timestamp,
        });
    }

    /// <summary>
    /// A mutation's id: the first 16 bytes of SHA-256 over (user, partition, offset) of the triggering
    /// event, in hex. The same input position always gives the same id, so a mutation published again
    /// after a crash is recognisably the same one.
    /// </summary>
    public static string MutationId(string user, int partition, long offset) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"streamrec-mutation\n{user}\n{partition}\n{offset}")).AsSpan(0, 16));

    /// <summary>
    /// The id of a mutation triggered by an event that came through Ingest: the first 16 bytes of SHA-256
    /// over (user, raw partition, raw offset) of the event's origin, in hex. The copy of the event that
    /// an upstream replay makes carries the same origin, so every copy names the mutation the same way
    /// (the embedded-topic position would differ between copies).
    /// </summary>
    public static string OriginMutationId(string user, EventOrigin origin)
    {
        ArgumentNullException.ThrowIfNull(origin);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"streamrec-mutation-origin\n{user}\n{origin.Partition}\n{origin.Offset}")).AsSpan(0, 16));
    }

    /// <summary>
    /// The partition under which a position is kept in a user's state. A position on the embedded topic
    /// (the stage's input in a split deployment) keeps its partition number. A position on the raw topic
    /// (a fused chain hands the DriftDetector each event at its raw position) is kept as -2 - partition,
    /// so that positions of the two topics never compare: after a deployment changes topology, an event
    /// is never taken for a replay because its offset on one topic is below the stored offset on the
    /// other, and the store's write check (same partition, offset not beyond) never refuses it for that.
    /// </summary>
    public int PositionPartition(TopicPartition partition)
    {
        ArgumentNullException.ThrowIfNull(partition);
        return PositionPartitionOf(partition.Topic, partition.Partition.Value);
    }

    // Without a TopicPartition: a record's TopicPartition getter allocates one on every call.
    private int PositionPartitionOf(string topic, int partition) => topic == _topics.Raw ? RawPositionPartition(partition) : partition;

    /// <summary>How a raw-topic partition is kept in a user's state (<see cref="PositionPartition"/>).</summary>
    public static int RawPositionPartition(int rawPartition) => -2 - rawPartition;

    /// <summary>Whether an event is a copy of one already applied: its origin is at or below the last applied origin of the same raw partition.</summary>
    public static bool IsUpstreamCopy(EventOrigin? origin, EventOrigin? lastApplied) =>
        origin is not null && lastApplied is not null && origin.Partition == lastApplied.Partition && origin.Offset <= lastApplied.Offset;

    /// <summary>Drops users without unwritten changes, oldest first, down to 90% of the capacity.</summary>
    private void EvictIfOverCapacity()
    {
        if (_users.Count <= _userCacheCapacity)
        {
            return;
        }

        var target = _userCacheCapacity * 9 / 10;
        foreach (var (user, cached) in _users.OrderBy(u => u.Value.LastBatch).ToList())
        {
            if (_users.Count <= target)
            {
                break;
            }

            if (cached.PendingWrites == 0)
            {
                _users.Remove(user);
            }
        }
    }

    /// <summary>A user's state in the cache, with the input position it includes.</summary>
    private sealed class CachedUser(UserDriftState state, string modelVersion, int partition, long offset)
    {
        public UserDriftState State { get; set; } = state;

        public string ModelVersion { get; set; } = modelVersion;

        /// <summary>Partition and offset of the last event applied (-1 when none).</summary>
        public int Partition { get; set; } = partition;

        public long Offset { get; set; } = offset;

        /// <summary>The origin of the last event applied that had one (null: none yet).</summary>
        public EventOrigin? Origin { get; set; }

        /// <summary>The last batch that applied an event of this user.</summary>
        public long LastBatch { get; set; }

        /// <summary>Processed batches whose write of this user is not done: such a user must not be evicted.</summary>
        public int PendingWrites { get; set; }

        /// <summary>The write of the batch being processed (<see cref="LastBatch"/>).</summary>
        public PendingWrite? BatchWrite { get; set; }
    }

    /// <summary>A user touched by a batch, and the state to write for it once the batch's outputs are acknowledged.</summary>
    private sealed class PendingWrite(string user, CachedUser cached)
    {
        public CachedUser User { get; } = cached;

        public DriftStateWrite? Write { get; private set; }

        /// <summary>The items of this batch's events of the user, with their offsets (only when recent items are kept).</summary>
        public List<(string ItemId, long Offset)>? RecentItems { get; set; }

        public void Encode() => Write = new DriftStateWrite(user, User.Partition, User.Offset, User.ModelVersion, UserDriftStateCodec.Write(User.State), RecentItems, User.Origin);
    }

    /// <summary>A mutation found in a batch, explained once the batch's events are all applied.</summary>
    private sealed record DetectedMutation(ConsumeResult<byte[]?, byte[]?> Record, MutationRecord Mutation, float[] Before, float[] After);
}
