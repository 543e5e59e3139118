using Confluent.Kafka;
using StreamRec.Contracts;
using StreamRec.Messaging;
using StreamRec.Messaging.Stages;

namespace StreamRec.Ingest;

/// <summary>
/// The Ingest stage's work on a micro-batch: every raw record becomes exactly one output, either a
/// <see cref="CleanEvent"/> on the clean topic, keyed by the user's pseudonym (raw id, headers and unused
/// fields dropped), or the unchanged record on the dead-letter topic with the reason headers. So
/// consumed = forwarded + dead-lettered, in the topics as in the counters (which <see cref="StageLoop"/>
/// advances together when a batch completes).
/// </summary>
public sealed class IngestProcessor(RawEventValidator validator, Pseudonymizer pseudonymizer, TopicNames topics, TimeProvider clock) : IBatchProcessor
{
    public const string Stage = "ingest";

    /// <summary>Whether the clean records are written (false: a fused chain hands them on as objects only).</summary>
    private bool _encodeClean = true;

    public string StageName => Stage;

    public IReadOnlyCollection<string> DeadLetterReasons => RejectionReasons.All;

    public bool OutputsMatchInputs => true;

    /// <summary>The clean event always travels as <see cref="OutgoingRecord.Payload"/>; unwritten, it is not serialised at all.</summary>
    public void HandOnPayloads(string topic, bool written)
    {
        if (topic == topics.Clean)
        {
            _encodeClean = written;
        }
    }

    public ValueTask<IReadOnlyList<OutgoingRecord>> ProcessAsync(IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var outputs = new OutgoingRecord[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var record = batch[i];
            var result = validator.Validate(record.Message.Value);
            if (result.IsValid)
            {
                outputs[i] = Forward(result.Event, record);
            }
            else
            {
                outputs[i] = new OutgoingRecord(
                    topics.DeadLetter, DeadLetterHeaders.Wrap(record, Stage, result.Reason, result.Detail, clock.GetUtcNow()), result.Reason);
            }
        }

        return ValueTask.FromResult<IReadOnlyList<OutgoingRecord>>(outputs);
    }

    private OutgoingRecord Forward(ValidatedEvent validated, ConsumeResult<byte[]?, byte[]?> source)
    {
        var user = pseudonymizer.Pseudonymize(validated.RawUserId);
        var clean = new CleanEvent
        {
            EventId = pseudonymizer.PseudonymizeEventId(validated.EventId),
            User = user,
            ItemId = validated.ItemId,
            Type = validated.Type,
            Weight = validated.Weight,
            Ts = validated.TimestampMs,
            Title = validated.Title,
            Categories = validated.Categories,
            Tags = validated.Tags,
            Origin = new EventOrigin(source.Partition.Value, source.Offset.Value),
        };
        // The producer's timestamp is kept; its headers are not (they could carry identifying data).
        return new OutgoingRecord(
            topics.Clean, _encodeClean ? PipelineMessages.Clean(clean, source.Message.Timestamp) : new Message<byte[]?, byte[]?> { Timestamp = source.Message.Timestamp })
        {
            Payload = clean,
        };
    }
}
