using System.Buffers.Binary;

namespace StreamRec.Storage;

/// <summary>
/// The compact binary form of <see cref="UserDriftState"/> for the per-user Redis value. Little-endian,
/// format version 1:
/// <code>
/// u8      format version = 1
/// u16     D
/// f32 x D short vector s
/// f32 x D long vector l
/// i64     events          i64 drift samples
/// f64     drift mean      f64 drift variance     f64 CUSUM
/// i32     cool-down
/// </code>
/// 2 x 4D + 47 bytes: 559 bytes at D = 64, within the 1 KB per user the design aims at. Readers reject
/// another version, a wrong length or non-finite values with an InvalidDataException.
/// </summary>
public static class UserDriftStateCodec
{
    public const byte FormatVersion = 1;

    private const int FixedBytes = 1 + 2 + (2 * 8) + (3 * 8) + 4;

    public static int GetByteCount(int dimension) => FixedBytes + (2 * 4 * dimension);

    public static byte[] Write(UserDriftState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var d = state.Short.Length;
        if (d > ushort.MaxValue)
        {
            throw new ArgumentException($"Dimension {d} does not fit the format (at most {ushort.MaxValue}).", nameof(state));
        }

        var bytes = new byte[GetByteCount(d)];
        var span = bytes.AsSpan();
        span[0] = FormatVersion;
        BinaryPrimitives.WriteUInt16LittleEndian(span[1..], (ushort)d);
        var at = 3;
        foreach (var vector in new[] { state.Short, state.Long })
        {
            foreach (var value in vector)
            {
                BinaryPrimitives.WriteSingleLittleEndian(span[at..], value);
                at += 4;
            }
        }

        BinaryPrimitives.WriteInt64LittleEndian(span[at..], state.Events);
        BinaryPrimitives.WriteInt64LittleEndian(span[(at + 8)..], state.DriftSamples);
        BinaryPrimitives.WriteDoubleLittleEndian(span[(at + 16)..], state.DriftMean);
        BinaryPrimitives.WriteDoubleLittleEndian(span[(at + 24)..], state.DriftVariance);
        BinaryPrimitives.WriteDoubleLittleEndian(span[(at + 32)..], state.Cusum);
        BinaryPrimitives.WriteInt32LittleEndian(span[(at + 40)..], state.Cooldown);
        return bytes;
    }

    public static UserDriftState Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 3 || bytes[0] != FormatVersion)
        {
            throw new InvalidDataException(bytes.Length == 0 ? "Empty drift state." : $"Drift state format {bytes[0]} is not supported (this build reads {FormatVersion}).");
        }

        var d = BinaryPrimitives.ReadUInt16LittleEndian(bytes[1..]);
        if (d == 0 || bytes.Length != GetByteCount(d))
        {
            throw new InvalidDataException($"Drift state of dimension {d} must be {GetByteCount(d)} bytes; it is {bytes.Length}.");
        }

        var state = new UserDriftState(d);
        var at = 3;
        foreach (var vector in new[] { state.Short, state.Long })
        {
            for (var i = 0; i < d; i++, at += 4)
            {
                vector[i] = Finite(BinaryPrimitives.ReadSingleLittleEndian(bytes[at..]));
            }
        }

        state.Events = BinaryPrimitives.ReadInt64LittleEndian(bytes[at..]);
        state.DriftSamples = BinaryPrimitives.ReadInt64LittleEndian(bytes[(at + 8)..]);
        state.DriftMean = Finite(BinaryPrimitives.ReadDoubleLittleEndian(bytes[(at + 16)..]));
        state.DriftVariance = Finite(BinaryPrimitives.ReadDoubleLittleEndian(bytes[(at + 24)..]));
        state.Cusum = Finite(BinaryPrimitives.ReadDoubleLittleEndian(bytes[(at + 32)..]));
        state.Cooldown = BinaryPrimitives.ReadInt32LittleEndian(bytes[(at + 40)..]);
        if (state.Events < 0 || state.DriftSamples < 0 || state.Cooldown < 0 || state.DriftVariance < 0)
        {
            throw new InvalidDataException("Drift state holds a negative count or variance.");
        }

        return state;
    }

    private static float Finite(float value) =>
        float.IsFinite(value) ? value : throw new InvalidDataException("Drift state holds a non-finite value.");

    private static double Finite(double value) =>
        double.IsFinite(value) ? value : throw new InvalidDataException("Drift state holds a non-finite value.");
}
