using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace StreamRec.Contracts;

/// <summary>
/// The binary record format of <see cref="EmbeddedEvent"/> on the embedded-events topic: compact (a
/// 64-float embedding with typical ids is about 330 bytes, against about 1 KB of JSON) and read without
/// parsing text. Everything is little-endian; format version 2:
/// <code>
/// u8        format version = 2
/// str       event_id
/// str       user            (pseudonym)
/// str       item_id
/// i64       ts              (Unix epoch milliseconds)
/// f32       weight
/// str       model_version
/// i32       origin partition (raw-events topic; -1 with offset -1: no origin)
/// i64       origin offset
/// i32       D               (>= 1)
/// f32 x D   embedding
/// str = u16 byte length (1..65535) + that many bytes of UTF-8 (never empty)
/// </code>
/// Version 1 is the same without the two origin fields; it is still read (as an event without an
/// origin). The record ends exactly after the last float. Weight and embedding values are finite. A reader
/// rejects anything else (another version, truncation, trailing bytes, invalid UTF-8, a length beyond
/// the record) with a message saying what and where, never with an out-of-range exception. A new
/// layout gets a new version byte; readers keep reading the old ones.
/// </summary>
public static class EmbeddedEventCodec
{
    /// <summary>The version byte this build writes (and the newest it reads).</summary>
    public const byte FormatVersion = 2;

    /// <summary>The previous layout, without the origin fields: still read.</summary>
    public const byte FormatVersionWithoutOrigin = 1;

    /// <summary>The longest string field, in UTF-8 bytes (its length prefix is a u16).</summary>
    public const int MaxStringBytes = ushort.MaxValue;

    private const int FixedBytes = sizeof(byte) + sizeof(long) + sizeof(float) + sizeof(int) + OriginBytes;

    private const int OriginBytes = sizeof(int) + sizeof(long);

    // Strict: a string with unpaired surrogates throws instead of being written as U+FFFD.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The exact size of <paramref name="value"/>'s record.</summary>
    /// <exception cref="ArgumentException">A field cannot be written (see <see cref="Write(EmbeddedEvent, Span{byte})"/>).</exception>
    public static int GetByteCount(EmbeddedEvent value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return FixedBytes
            + StringBytes(value.EventId, nameof(value.EventId))
            + StringBytes(value.User, nameof(value.User))
            + StringBytes(value.ItemId, nameof(value.ItemId))
            + StringBytes(value.ModelVersion, nameof(value.ModelVersion))
            + EmbeddingBytes(value.Embedding);
    }

    /// <summary>The record as a new array (what a Kafka message value takes).</summary>
    /// <exception cref="ArgumentException">A field cannot be written (see <see cref="Write(EmbeddedEvent, Span{byte})"/>).</exception>
    public static byte[] Write(EmbeddedEvent value)
    {
        var record = new byte[GetByteCount(value)];
        Write(value, record);
        return record;
    }

    /// <summary>Writes the record into <paramref name="destination"/> and returns its length.</summary>
    /// <exception cref="ArgumentException">
    /// An empty string field or one over <see cref="MaxStringBytes"/>, an empty embedding, a non-finite
    /// weight or embedding value, or a destination shorter than <see cref="GetByteCount"/>.
    /// </exception>
    public static int Write(EmbeddedEvent value, Span<byte> destination)
    {
        var length = GetByteCount(value);
        if (destination.Length < length)
        {
            throw new ArgumentException($"The record needs {length} bytes; the destination holds {destination.Length}.", nameof(destination));
        }

        if (!float.IsFinite(value.Weight))
        {
            throw new ArgumentException($"Weight must be finite, not {value.Weight}.", nameof(value));
        }

        if (value.Origin is { Partition: < 0 } or { Offset: < 0 })
        {
            throw new ArgumentException($"An origin's partition and offset are >= 0, not {value.Origin.Partition} and {value.Origin.Offset}.", nameof(value));
        }

        var embedding = value.Embedding.Span;
        var position = 0;
        destination[position++] = FormatVersion;
        position += WriteString(value.EventId, destination[position..]);
        position += WriteString(value.User, destination[position..]);
        position += WriteString(value.ItemId, destination[position..]);
        BinaryPrimitives.WriteInt64LittleEndian(destination[position..], value.Ts);
        position += sizeof(long);
        BinaryPrimitives.WriteSingleLittleEndian(destination[position..], value.Weight);
        position += sizeof(float);
        position += WriteString(value.ModelVersion, destination[position..]);
        BinaryPrimitives.WriteInt32LittleEndian(destination[position..], value.Origin?.Partition ?? -1);
        position += sizeof(int);
        BinaryPrimitives.WriteInt64LittleEndian(destination[position..], value.Origin?.Offset ?? -1);
        position += sizeof(long);
        BinaryPrimitives.WriteInt32LittleEndian(destination[position..], embedding.Length);
        position += sizeof(int);
        for (var i = 0; i < embedding.Length; i++)
        {
            if (!float.IsFinite(embedding[i]))
            {
                throw new ArgumentException($"Embedding value {i} is {embedding[i]}; every value must be finite.", nameof(value));
            }

            BinaryPrimitives.WriteSingleLittleEndian(destination[position..], embedding[i]);
            position += sizeof(float);
        }

        return position;
    }

    /// <summary>
    /// Checks that <paramref name="value"/> can be written, as <see cref="Write(EmbeddedEvent, Span{byte})"/>
    /// does, without writing it: for an event handed on in process and written nowhere, which must fail
    /// where its record would.
    /// </summary>
    /// <exception cref="ArgumentException">As <see cref="Write(EmbeddedEvent, Span{byte})"/>, with the same messages.</exception>
    public static void Validate(EmbeddedEvent value)
    {
        GetByteCount(value);
        if (!float.IsFinite(value.Weight))
        {
            throw new ArgumentException($"Weight must be finite, not {value.Weight}.", nameof(value));
        }

        if (value.Origin is { Partition: < 0 } or { Offset: < 0 })
        {
            throw new ArgumentException($"An origin's partition and offset are >= 0, not {value.Origin.Partition} and {value.Origin.Offset}.", nameof(value));
        }

        var embedding = value.Embedding.Span;
        for (var i = 0; i < embedding.Length; i++)
        {
            if (!float.IsFinite(embedding[i]))
            {
                throw new ArgumentException($"Embedding value {i} is {embedding[i]}; every value must be finite.", nameof(value));
            }
        }
    }

    /// <summary>Reads a record; on failure says why in <paramref name="error"/> (no field values in it).</summary>
    public static bool TryRead(
        ReadOnlySpan<byte> record,
        [NotNullWhen(true)] out EmbeddedEvent? value,
        [NotNullWhen(false)] out string? error)
    {
        value = null;
        var reader = new Reader(record);
        if (!reader.TryReadByte(out var version, "format version", out error))
        {
            return false;
        }

        if (version is not (FormatVersion or FormatVersionWithoutOrigin))
        {
            error = $"unsupported embedded-event format version {version}; this build reads versions {FormatVersionWithoutOrigin} and {FormatVersion}";
            return false;
        }

        if (!reader.TryReadString(out var eventId, "event_id", out error)
            || !reader.TryReadString(out var user, "user", out error)
            || !reader.TryReadString(out var itemId, "item_id", out error)
            || !reader.TryReadInt64(out var ts, "ts", out error)
            || !reader.TryReadSingle(out var weight, "weight", out error)
            || !reader.TryReadString(out var modelVersion, "model_version", out error))
        {
            return false;
        }

        EventOrigin? origin = null;
        if (version == FormatVersion)
        {
            if (!reader.TryReadInt32(out var originPartition, "origin partition", out error)
                || !reader.TryReadInt64(out var originOffset, "origin offset", out error))
            {
                return false;
            }

            if (originPartition >= 0 && originOffset >= 0)
            {
                origin = new EventOrigin(originPartition, originOffset);
            }
            else if (originPartition != -1 || originOffset != -1)
            {
                error = $"origin ({originPartition}, {originOffset}) is neither a position nor (-1, -1)";
                return false;
            }
        }

        if (!reader.TryReadInt32(out var dimension, "embedding dimension", out error))
        {
            return false;
        }

        if (!float.IsFinite(weight))
        {
            error = "weight is not a finite number";
            return false;
        }

        // Exactly D floats must remain: this bounds D by the record's size before anything is allocated.
        if (dimension < 1 || (long)dimension * sizeof(float) != reader.Remaining)
        {
            error = $"embedding dimension {dimension} does not match the {reader.Remaining} byte(s) left in the record at offset {reader.Position} (expected 4 x D, D >= 1)";
            return false;
        }

        var embedding = new float[dimension];
        for (var i = 0; i < embedding.Length; i++)
        {
            reader.TryReadSingle(out embedding[i], "embedding", out error);
            if (!float.IsFinite(embedding[i]))
            {
                error = $"embedding value {i} is not a finite number";
                return false;
            }
        }

        value = new EmbeddedEvent
        {
            EventId = eventId,
            User = user,
            ItemId = itemId,
            Ts = ts,
            Weight = weight,
            ModelVersion = modelVersion,
            Embedding = embedding,
            Origin = origin,
        };
        error = null;
        return true;
    }

    /// <summary>Reads a record.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid record; the message says why.</exception>
    public static EmbeddedEvent Read(ReadOnlySpan<byte> record) =>
        TryRead(record, out var value, out var error)
            ? value
            : throw new InvalidDataException($"Not a valid embedded-event record ({record.Length} bytes): {error}.");

    private static int StringBytes(string value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException($"{field} must not be empty.", nameof(value));
        }

        var bytes = StrictUtf8.GetByteCount(value);
        if (bytes > MaxStringBytes)
        {
            throw new ArgumentException($"{field} is {bytes} UTF-8 bytes long; the format allows at most {MaxStringBytes}.", nameof(value));
        }

        return sizeof(ushort) + bytes;
    }

    private static int EmbeddingBytes(ReadOnlyMemory<float> embedding) =>
        embedding.IsEmpty
            ? throw new ArgumentException("The embedding must hold at least one value.", nameof(embedding))
            : embedding.Length * sizeof(float);

    private static int WriteString(string value, Span<byte> destination)
    {
        var length = StrictUtf8.GetBytes(value, destination[sizeof(ushort)..]);
        BinaryPrimitives.WriteUInt16LittleEndian(destination, (ushort)length);
        return sizeof(ushort) + length;
    }

    /// <summary>A bounds-checked cursor: every read first checks what is left, so no read can go past the end.</summary>
    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;

        public int Position { get; private set; }

        public readonly int Remaining => _data.Length - Position;

        public bool TryReadByte(out byte value, string field, [NotNullWhen(false)] out string? error)
        {
            value = 0;
            if (!Has(sizeof(byte), field, out error))
            {
                return false;
            }

            value = _data[Position++];
            return true;
        }

        public bool TryReadInt32(out int value, string field, [NotNullWhen(false)] out string? error)
        {
            value = 0;
            if (!Has(sizeof(int), field, out error))
            {
                return false;
            }

            value = BinaryPrimitives.ReadInt32LittleEndian(_data[Position..]);
            Position += sizeof(int);
            return true;
        }

        public bool TryReadInt64(out long value, string field, [NotNullWhen(false)] out string? error)
        {
            value = 0;
            if (!Has(sizeof(long), field, out error))
            {
                return false;
            }

            value = BinaryPrimitives.ReadInt64LittleEndian(_data[Position..]);
            Position += sizeof(long);
            return true;
        }

        public bool TryReadSingle(out float value, string field, [NotNullWhen(false)] out string? error)
        {
            value = 0;
            if (!Has(sizeof(float), field, out error))
            {
                return false;
            }

            value = BinaryPrimitives.ReadSingleLittleEndian(_data[Position..]);
            Position += sizeof(float);
            return true;
        }

        public bool TryReadString([NotNullWhen(true)] out string? value, string field, [NotNullWhen(false)] out string? error)
        {
            value = null;
            if (!Has(sizeof(ushort), field + " length", out error))
            {
                return false;
            }

            int length = BinaryPrimitives.ReadUInt16LittleEndian(_data[Position..]);
            if (length == 0)
            {
                error = $"{field} at offset {Position} is empty";
                return false;
            }

            Position += sizeof(ushort);
            if (!Has(length, field, out error))
            {
                return false;
            }

            var bytes = _data.Slice(Position, length);
            if (!System.Text.Unicode.Utf8.IsValid(bytes))
            {
                error = $"{field} at offset {Position} is not valid UTF-8";
                return false;
            }

            value = StrictUtf8.GetString(bytes);
            Position += length;
            return true;
        }

        private readonly bool Has(int count, string field, [NotNullWhen(false)] out string? error)
        {
            if (Remaining >= count)
            {
                error = null;
                return true;
            }

            error = $"truncated: {field} needs {count} byte(s) at offset {Position} but {Remaining} remain";
            return false;
        }
    }
}
