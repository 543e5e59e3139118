using System.Buffers.Binary;
using System.Text;
using StreamRec.Contracts;

namespace StreamRec.Storage;

/// <summary>
/// The Redis value of a user's drift state, little-endian:
/// <code>
/// i32   partition of the last event applied     (bytes 0-3: read by the apply script)
/// i64   offset of the last event applied        (bytes 4-11: read by the apply script)
/// i32   origin partition of the last event applied with one (<see cref="EventOrigin"/>; -1: none)
/// i64   origin offset of that event (-1: none)
/// u8    length of the model version (0-255)
/// ...   model version, UTF-8
/// ...   the state (<see cref="UserDriftStateCodec"/>, which carries its own format version)
/// </code>
/// 604 bytes at D = 64 with a 20-character model version.
/// </summary>
public static class DriftStateRecord
{
    /// <summary>The longest model version a record holds.</summary>
    public const int MaxModelVersionBytes = byte.MaxValue;

    private const int HeaderBytes = 4 + 8 + 4 + 8 + 1;

    private const int VersionLengthAt = HeaderBytes - 1;

    public static byte[] Write(int partition, long offset, string modelVersion, ReadOnlySpan<byte> state, EventOrigin? origin = null)
    {
        ArgumentNullException.ThrowIfNull(modelVersion);
        var version = Encoding.UTF8.GetBytes(modelVersion);
        if (version.Length > MaxModelVersionBytes)
        {
            throw new ArgumentException($"A model version is at most {MaxModelVersionBytes} UTF-8 bytes; this one is {version.Length}.", nameof(modelVersion));
        }

        var bytes = new byte[HeaderBytes + version.Length + state.Length];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, partition);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(4), offset);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), origin?.Partition ?? -1);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(16), origin?.Offset ?? -1);
        bytes[VersionLengthAt] = (byte)version.Length;
        version.CopyTo(bytes.AsSpan(HeaderBytes));
        state.CopyTo(bytes.AsSpan(HeaderBytes + version.Length));
        return bytes;
    }

    /// <exception cref="InvalidDataException">The value is truncated or its state is damaged.</exception>
    public static StoredDriftState Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < HeaderBytes || bytes.Length < HeaderBytes + bytes[VersionLengthAt])
        {
            throw new InvalidDataException($"A stored drift state of {bytes.Length} bytes is truncated.");
        }

        var versionLength = bytes[VersionLengthAt];
        var originPartition = BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]);
        var originOffset = BinaryPrimitives.ReadInt64LittleEndian(bytes[16..]);
        return new StoredDriftState(
            UserDriftStateCodec.Read(bytes[(HeaderBytes + versionLength)..]),
            BinaryPrimitives.ReadInt32LittleEndian(bytes),
            BinaryPrimitives.ReadInt64LittleEndian(bytes[4..]),
            Encoding.UTF8.GetString(bytes.Slice(HeaderBytes, versionLength)),
            originPartition >= 0 && originOffset >= 0 ? new EventOrigin(originPartition, originOffset) : null);
    }
}
