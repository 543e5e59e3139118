using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace StreamRec.Contracts;

/// <summary>
/// Headers a stage adds to a record it sends to the dead-letter topic. The record itself goes there
/// unchanged (original key, value and headers), so nothing is lost and it can be replayed once fixed.
/// Details name the rule and the field, never a value: they must not leak a user id into logs or tools.
/// Note that the dead-letter record of a raw event does hold the raw user id, like the raw topic: restrict
/// access to both alike.
/// </summary>
public static class DeadLetterHeaders
{
    /// <summary>Machine-readable reason code (e.g. "invalid_json"); also the metric label.</summary>
    public const string Reason = "streamrec.dlq.reason";

    /// <summary>Human-readable explanation (field and rule, never a value).</summary>
    public const string Detail = "streamrec.dlq.detail";

    /// <summary>The stage that rejected the record ("ingest", "embed", ...).</summary>
    public const string Stage = "streamrec.dlq.stage";

    public const string SourceTopic = "streamrec.dlq.source.topic";

    public const string SourcePartition = "streamrec.dlq.source.partition";

    public const string SourceOffset = "streamrec.dlq.source.offset";

    /// <summary>When the record was dead-lettered, RFC 3339 UTC.</summary>
    public const string Time = "streamrec.dlq.time";

    /// <summary>The dead-letter copy of <paramref name="source"/>: its key, value and headers, plus the reason headers.</summary>
    public static Message<byte[]?, byte[]?> Wrap(
        ConsumeResult<byte[]?, byte[]?> source, string stage, string reason, string detail, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(source);
        var headers = new Headers();
        foreach (var header in source.Message.Headers ?? [])
        {
            headers.Add(header.Key, header.GetValueBytes());
        }

        headers.Add(Reason, Encoding.UTF8.GetBytes(reason));
        headers.Add(Detail, Encoding.UTF8.GetBytes(detail));
        headers.Add(Stage, Encoding.UTF8.GetBytes(stage));
        headers.Add(SourceTopic, Encoding.UTF8.GetBytes(source.Topic));
        headers.Add(SourcePartition, Encoding.UTF8.GetBytes(source.Partition.Value.ToString(CultureInfo.InvariantCulture)));
        headers.Add(SourceOffset, Encoding.UTF8.GetBytes(source.Offset.Value.ToString(CultureInfo.InvariantCulture)));
        headers.Add(Time, Encoding.UTF8.GetBytes(now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)));
        return new Message<byte[]?, byte[]?>
        {
            Key = source.Message.Key,
            Value = source.Message.Value,
            Headers = headers,
            Timestamp = source.Message.Timestamp,
        };
    }

    /// <summary>The UTF-8 value of a header, or null when absent (for tools and tests reading the DLQ).</summary>
    public static string? Read(Headers? headers, string name) =>
        headers is not null && headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;
}
