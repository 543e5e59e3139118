using System.Buffers;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamRec.Contracts;
using StreamRec.Embedder.Embedding;
using StreamRec.Embedder.Features;
using StreamRec.Messaging;
using StreamRec.Messaging.Stages;

namespace StreamRec.Embedder.Stage;

/// <summary>
/// The embed stage's work on a micro-batch of clean events. Every input record becomes exactly one
/// output, in input order (so per partition, per user, order is kept):
/// <list type="bullet">
/// <item>a valid <see cref="CleanEvent"/> becomes an <see cref="EmbeddedEvent"/> on the embedded topic
/// (<see cref="EmbeddedEventCodec"/>), keyed by the user pseudonym;</item>
/// <item>a record that cannot be read goes unchanged to the dead-letter topic with reason
/// <see cref="InvalidCleanEvent"/> (<see cref="DeadLetterHeaders"/>).</item>
/// </list>
/// <para>
/// Nothing about an item seen in an event is written to Redis: candidates and explanations come only
/// from the public catalog topic (<see cref="CatalogProcessor"/>). Which items occur in the stream is
/// user data: an item known only from one user's event would enter the support of the releases (voiding
/// the per-event guarantee of strict mode), and the number of candidates would count the distinct items
/// of the stream (docs/privacy.md).
/// </para>
/// </summary>
public sealed class EmbedderProcessor : IBatchProcessor
{
    public const string Stage = "embed";

    /// <summary>The dead-letter reason of a record that is not a readable clean event of a supported version.</summary>
    public const string InvalidCleanEvent = "invalid_clean_event";

    private readonly EmbeddingService _embedder;
    private readonly TopicNames _topics;
    private readonly ILogger _logger;
    private readonly DeadLetters _deadLetters;

    /// <summary>Whether a fused chain takes the embedded events as objects (<see cref="OutgoingRecord.Payload"/>).</summary>
    private bool _payloads;

    /// <summary>Whether the embedded records are written (false: handed on as objects only, never encoded).</summary>
    private bool _encode = true;

    /// <summary>
    /// The embeddings of the last batch, which its payloads alias (an <see cref="EmbeddedEvent"/>'s
    /// embedding may alias its writer's buffer). The chain's later stages read them before this stage is
    /// given its next batch, which reuses the buffer: no copy and no array per event.
    /// </summary>
    private float[] _handedEmbeddings = [];

    public EmbedderProcessor(EmbeddingService embedder, TopicNames topics, TimeProvider clock, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(logger);
        _embedder = embedder;
        _topics = topics;
        _logger = logger;
        _deadLetters = new DeadLetters(Stage, topics, clock, logger);
    }

    public string StageName => Stage;

    public IReadOnlyCollection<string> DeadLetterReasons => [InvalidCleanEvent];

    public bool OutputsMatchInputs => true;

    /// <summary>Ingest's clean event, handed over in a fused chain, is taken as it is instead of being parsed again.</summary>
    public bool ReadsPayloads => true;

    public void HandOnPayloads(string topic, bool written)
    {
        if (topic == _topics.Embedded)
        {
            _payloads = true;
            _encode = written;
        }
    }

    public async ValueTask<IReadOnlyList<OutgoingRecord>> ProcessAsync(
        IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var outputs = new OutgoingRecord[batch.Count];
        var events = new List<(int Index, CleanEvent Event)>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var record = batch[i];
            var handed = (record as HandedOnRecord)?.Payload as CleanEvent;
            if (handed is not null
                ? CleanEventReader.TryAccept(handed, out var cleanEvent, out var detail)
                : CleanEventReader.TryRead(record.Message.Value, out cleanEvent, out detail))
            {
                events.Add((i, cleanEvent));
                continue;
            }

            // A clean event handed over without its record is dead-lettered as the record Ingest would have written.
            outputs[i] = _deadLetters.Reject(
                handed is not null && record.Message.Value is null ? Written((HandedOnRecord)record, handed) : record, InvalidCleanEvent, detail);
        }

        if (events.Count > 0)
        {
            var d = _embedder.Dimension;
            if (_payloads && _handedEmbeddings.Length < events.Count * d)
            {
                _handedEmbeddings = new float[events.Count * d];
            }

            var embeddings = _payloads ? _handedEmbeddings : ArrayPool<float>.Shared.Rent(events.Count * d);
            try
            {
                var items = events.ConvertAll(e => new ItemAttributes(e.Event.ItemId, e.Event.Title, e.Event.Categories, e.Event.Tags));
                var statistics = _embedder.Embed(items, embeddings);
                for (var e = 0; e < events.Count; e++)
                {
                    var (index, cleanEvent) = events[e];
                    outputs[index] = Embedded(batch[index], cleanEvent, embeddings.AsMemory(e * d, d));
                }

                Log.BatchEmbedded(_logger, events.Count, statistics.CacheHits, statistics.EncodedRows, statistics.Runs);
            }
            finally
            {
                if (!_payloads)
                {
                    ArrayPool<float>.Shared.Return(embeddings);
                }
            }
        }

        return outputs;
    }

    private OutgoingRecord Embedded(ConsumeResult<byte[]?, byte[]?> source, CleanEvent cleanEvent, ReadOnlyMemory<float> embedding)
    {
        var embedded = new EmbeddedEvent
        {
            EventId = cleanEvent.EventId,
            User = cleanEvent.User,
            ItemId = cleanEvent.ItemId,
            Ts = cleanEvent.Ts,
            Weight = cleanEvent.Weight,
            ModelVersion = _embedder.ModelVersion,
            Embedding = embedding,
            Origin = cleanEvent.Origin,
        };

        // The event keeps its record timestamp along the pipeline (Ingest does the same).
        var timestamp = source.Message.Timestamp;
        if (_encode)
        {
            return new OutgoingRecord(_topics.Embedded, PipelineMessages.Embedded(embedded, timestamp)) { Payload = _payloads ? embedded : null };
        }

        // Not written: the checks of encoding still apply, so an event a split deployment could not write fails here too.
        EmbeddedEventCodec.Validate(embedded);
        return new OutgoingRecord(_topics.Embedded, new Message<byte[]?, byte[]?> { Timestamp = timestamp }) { Payload = embedded };
    }

    private static ConsumeResult<byte[]?, byte[]?> Written(HandedOnRecord record, CleanEvent cleanEvent)
    {
        var message = PipelineMessages.Clean(cleanEvent, record.Message.Timestamp);
        return record.WithValue(message.Key, message.Value);
    }
}
