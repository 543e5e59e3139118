using System.Text;
using System.Text.Json;
using Confluent.Kafka;

namespace StreamRec.Contracts;

/// <summary>
/// The Kafka records of the two intermediate topics, made in one place: the stage that writes one and
/// the stage of a fused chain that must dead-letter a record handed to it as an object (its dead letter
/// carries the record as a split deployment would have written it) make the same bytes.
/// </summary>
public static class PipelineMessages
{
    /// <summary>A clean-events record: keyed by the user pseudonym, the event as JSON (<see cref="ContractsJsonContext"/>).</summary>
    public static Message<byte[]?, byte[]?> Clean(CleanEvent clean, Timestamp timestamp)
    {
        ArgumentNullException.ThrowIfNull(clean);
        return new Message<byte[]?, byte[]?>
        {
            Key = Encoding.UTF8.GetBytes(clean.User),
            Value = JsonSerializer.SerializeToUtf8Bytes(clean, ContractsJsonContext.Default.CleanEvent),
            Timestamp = timestamp,
        };
    }

    /// <summary>An embedded-events record: keyed by the user pseudonym, the event in <see cref="EmbeddedEventCodec"/>'s format.</summary>
    /// <exception cref="ArgumentException">A field cannot be written (<see cref="EmbeddedEventCodec.Write(EmbeddedEvent, Span{byte})"/>).</exception>
    public static Message<byte[]?, byte[]?> Embedded(EmbeddedEvent embedded, Timestamp timestamp)
    {
        ArgumentNullException.ThrowIfNull(embedded);
        var value = EmbeddedEventCodec.Write(embedded);
        return new Message<byte[]?, byte[]?>
        {
            Key = Encoding.UTF8.GetBytes(embedded.User),
            Value = value,
            Timestamp = timestamp,
        };
    }
}
