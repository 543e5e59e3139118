using System.Buffers.Binary;
using StreamRec.Contracts;

namespace StreamRec.UnitTests.Embedding;

public sealed class EmbeddedEventCodecTests
{
    private static readonly EmbeddedEvent Sample = new()
    {
        EventId = "ml-15-1201-833101223",
        User = "3f9a0c7d1e2b4a68",
        ItemId = "1201",
        Ts = 833_101_223_000,
        Weight = 0.75f,
        ModelVersion = "encoder-2026-11-22",
        Embedding = new[] { 0.5f, -0.25f, 1e-7f, 0f, -1f },
    };

    [Fact]
    public void Record_round_trips_every_field()
    {
        var withUnicode = Sample with { ItemId = "Amélie-🎬", Embedding = Enumerable.Range(0, 64).Select(i => MathF.Sin(i)).ToArray() };

        var record = EmbeddedEventCodec.Write(withUnicode);
        var read = EmbeddedEventCodec.Read(record);

        Assert.Equal(EmbeddedEventCodec.GetByteCount(withUnicode), record.Length);
        Assert.Equal(withUnicode with { Embedding = default }, read with { Embedding = default });
        Assert.Equal(withUnicode.Embedding.ToArray(), read.Embedding.ToArray());
    }

    [Fact]
    public void Layout_is_the_documented_little_endian_one()
    {
        var tiny = new EmbeddedEvent
        {
            EventId = "e", User = "uu", ItemId = "i", Ts = 0x0102030405060708, Weight = 1f, ModelVersion = "v", Embedding = new[] { 2f },
            Origin = new EventOrigin(3, 0x0A0B0C0D0E0F1011),
        };

        var record = EmbeddedEventCodec.Write(tiny);

        byte[] expected =
        [
            2,                                              // format version
            1, 0, (byte)'e',                                // event_id
            2, 0, (byte)'u', (byte)'u',                     // user
            1, 0, (byte)'i',                                // item_id
            8, 7, 6, 5, 4, 3, 2, 1,                         // ts
            0x00, 0x00, 0x80, 0x3F,                         // weight 1.0f
            1, 0, (byte)'v',                                // model_version
            3, 0, 0, 0,                                     // origin partition
            0x11, 0x10, 0x0F, 0x0E, 0x0D, 0x0C, 0x0B, 0x0A, // origin offset
            1, 0, 0, 0,                                     // D
            0x00, 0x00, 0x00, 0x40,                         // 2.0f
        ];
        Assert.Equal(expected, record);
    }

    [Fact]
    public void An_event_without_origin_is_written_as_minus_one_and_read_back_without_one()
    {
        var record = EmbeddedEventCodec.Write(Sample);

        Assert.Null(Sample.Origin);
        Assert.Null(EmbeddedEventCodec.Read(record).Origin);
        var originAt = record.Length - (5 * sizeof(float)) - sizeof(int) - sizeof(long) - sizeof(int);
        Assert.Equal(-1, BinaryPrimitives.ReadInt32LittleEndian(record.AsSpan(originAt)));
        Assert.Equal(-1L, BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(originAt + sizeof(int))));
    }

    [Fact]
    public void An_origin_round_trips()
    {
        var withOrigin = Sample with { Origin = new EventOrigin(7, 123_456_789_012) };

        Assert.Equal(new EventOrigin(7, 123_456_789_012), EmbeddedEventCodec.Read(EmbeddedEventCodec.Write(withOrigin)).Origin);
    }

    [Fact]
    public void A_version_1_record_is_still_read_as_an_event_without_origin()
    {
        // Version 1 is version 2 without the 12 origin bytes before D.
        var v2 = EmbeddedEventCodec.Write(Sample);
        var originAt = v2.Length - (5 * sizeof(float)) - sizeof(int) - sizeof(long) - sizeof(int);
        byte[] v1 = [1, .. v2.AsSpan(1, originAt - 1), .. v2.AsSpan(originAt + 12)];

        var read = EmbeddedEventCodec.Read(v1);

        Assert.Null(read.Origin);
        Assert.Equal(Sample with { Embedding = default }, read with { Embedding = default });
        Assert.Equal(Sample.Embedding.ToArray(), read.Embedding.ToArray());
    }

    [Theory]
    [InlineData(-1, 5)]
    [InlineData(2, -1)]
    [InlineData(-2, -2)]
    public void A_half_missing_or_negative_origin_is_rejected(int partition, long offset)
    {
        var record = EmbeddedEventCodec.Write(Sample);
        var originAt = record.Length - (5 * sizeof(float)) - sizeof(int) - sizeof(long) - sizeof(int);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(originAt), partition);
        BinaryPrimitives.WriteInt64LittleEndian(record.AsSpan(originAt + sizeof(int)), offset);

        Assert.False(EmbeddedEventCodec.TryRead(record, out _, out var error));
        Assert.Equal($"origin ({partition}, {offset}) is neither a position nor (-1, -1)", error);
    }

    [Fact]
    public void Writing_a_negative_origin_is_refused()
    {
        Assert.Throws<ArgumentException>(() => EmbeddedEventCodec.Write(Sample with { Origin = new EventOrigin(-1, 0) }));
    }

    [Fact]
    public void Every_truncation_is_rejected_with_a_message_and_no_exception()
    {
        var record = EmbeddedEventCodec.Write(Sample);

        for (var length = 0; length < record.Length; length++)
        {
            Assert.False(EmbeddedEventCodec.TryRead(record.AsSpan(0, length), out var value, out var error), $"a {length}-byte prefix was accepted");
            Assert.Null(value);
            Assert.Matches("truncated|dimension", error);
        }
    }

    [Fact]
    public void Trailing_bytes_are_rejected()
    {
        byte[] record = [.. EmbeddedEventCodec.Write(Sample), 0];

        Assert.False(EmbeddedEventCodec.TryRead(record, out _, out var error));
        Assert.Contains("dimension 5 does not match", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_format_version_is_rejected_naming_both_versions()
    {
        var record = EmbeddedEventCodec.Write(Sample);
        record[0] = 3;

        var error = Assert.Throws<InvalidDataException>(() => EmbeddedEventCodec.Read(record));

        Assert.Contains("format version 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("reads versions 1 and 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_in_a_string_is_rejected()
    {
        var record = EmbeddedEventCodec.Write(Sample);
        record[3] = 0xFF; // first byte of event_id

        Assert.False(EmbeddedEventCodec.TryRead(record, out _, out var error));
        Assert.Equal("event_id at offset 3 is not valid UTF-8", error);
    }

    [Fact]
    public void Empty_string_and_string_longer_than_the_record_are_rejected()
    {
        var record = EmbeddedEventCodec.Write(Sample);
        var empty = record.ToArray();
        BinaryPrimitives.WriteUInt16LittleEndian(empty.AsSpan(1), 0);
        var huge = record.ToArray();
        BinaryPrimitives.WriteUInt16LittleEndian(huge.AsSpan(1), ushort.MaxValue);

        Assert.False(EmbeddedEventCodec.TryRead(empty, out _, out var emptyError));
        Assert.False(EmbeddedEventCodec.TryRead(huge, out _, out var hugeError));

        Assert.Equal("event_id at offset 1 is empty", emptyError);
        Assert.StartsWith("truncated: event_id needs 65535 byte(s)", hugeError, StringComparison.Ordinal);
    }

    [Fact]
    public void Negative_or_huge_dimension_is_rejected_before_allocating()
    {
        var record = EmbeddedEventCodec.Write(Sample);
        var dimensionOffset = record.Length - (5 * sizeof(float)) - sizeof(int);

        foreach (var dimension in new[] { -1, 0, int.MaxValue, 6 })
        {
            var damaged = record.ToArray();
            BinaryPrimitives.WriteInt32LittleEndian(damaged.AsSpan(dimensionOffset), dimension);

            Assert.False(EmbeddedEventCodec.TryRead(damaged, out _, out var error));
            Assert.Contains($"embedding dimension {dimension} does not match", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Non_finite_values_are_neither_written_nor_read()
    {
        var record = EmbeddedEventCodec.Write(Sample);
        BinaryPrimitives.WriteSingleLittleEndian(record.AsSpan(record.Length - sizeof(float)), float.NaN);

        Assert.False(EmbeddedEventCodec.TryRead(record, out _, out var error));
        Assert.Equal("embedding value 4 is not a finite number", error);
        Assert.Throws<ArgumentException>(() => EmbeddedEventCodec.Write(Sample with { Embedding = new[] { float.PositiveInfinity } }));
        Assert.Throws<ArgumentException>(() => EmbeddedEventCodec.Write(Sample with { Weight = float.NaN }));
    }

    [Fact]
    public void Writer_refuses_what_the_format_cannot_carry()
    {
        Assert.Throws<ArgumentException>(() => EmbeddedEventCodec.Write(Sample with { User = "" }));
        Assert.Throws<ArgumentException>(() => EmbeddedEventCodec.Write(Sample with { ItemId = new string('x', EmbeddedEventCodec.MaxStringBytes + 1) }));
        Assert.Throws<ArgumentException>(() => EmbeddedEventCodec.Write(Sample with { Embedding = ReadOnlyMemory<float>.Empty }));
        Assert.Throws<ArgumentException>(() => EmbeddedEventCodec.Write(Sample, new byte[10]));
    }

    [Fact]
    public void Random_garbage_and_bit_flips_never_throw_and_what_is_accepted_reencodes_identically()
    {
        // Fixed seed: the same 20,000 inputs every run.
        var random = new Random(20261122);
        var valid = EmbeddedEventCodec.Write(Sample);
        var accepted = 0;
        for (var trial = 0; trial < 20_000; trial++)
        {
            byte[] input;
            if (trial % 2 == 0)
            {
                input = new byte[random.Next(1, 120)];
                random.NextBytes(input);
                input[0] = random.Next(4) == 0 ? input[0] : EmbeddedEventCodec.FormatVersion;
            }
            else
            {
                input = valid.ToArray();
                input[random.Next(input.Length)] ^= (byte)(1 << random.Next(8));
            }

            if (EmbeddedEventCodec.TryRead(input, out var value, out var error))
            {
                accepted++;
                Assert.Equal(input, EmbeddedEventCodec.Write(value));
            }
            else
            {
                Assert.False(string.IsNullOrWhiteSpace(error));
            }
        }

        // Most single-bit flips land in an id, the timestamp or a float and still decode.
        Assert.InRange(accepted, 1, 10_000);
    }

    [Fact]
    public void Error_messages_quote_no_field_value()
    {
        var record = EmbeddedEventCodec.Write(Sample);
        record[^1] = 0xFF;
        record[^2] = 0xFF; // last float becomes a NaN
        var truncated = record[..40];

        Assert.False(EmbeddedEventCodec.TryRead(record, out _, out var nanError));
        Assert.False(EmbeddedEventCodec.TryRead(truncated, out _, out var truncatedError));

        foreach (var error in new[] { nanError, truncatedError })
        {
            Assert.DoesNotContain(Sample.User, error, StringComparison.Ordinal);
            Assert.DoesNotContain(Sample.EventId, error, StringComparison.Ordinal);
        }
    }
}
