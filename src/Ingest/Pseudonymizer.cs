using System.Security.Cryptography;
using System.Text;

namespace StreamRec.Ingest;

/// <summary>
/// Replaces raw user ids with keyed pseudonyms: lower-case hex of HMAC-SHA256(key, UTF-8 id), truncated
/// to the configured number of bytes (16 by default: 128 bits, collision-free in practice for billions
/// of users). Stable for a key, so one user's events stay together; unlinkable to the raw id without
/// the key, and a different key gives unrelated pseudonyms. This is the only place a raw id is read.
/// </summary>
public sealed class Pseudonymizer
{
    private readonly byte[] _key;
    private readonly int _bytes;

    public Pseudonymizer(byte[] key, int bytes = 16)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(key.Length, 32);
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes, 8);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, 32);
        _key = key.ToArray();
        _bytes = bytes;
    }

    /// <summary>From <see cref="IngestOptions"/> (already validated).</summary>
    public static Pseudonymizer FromOptions(IngestOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!IngestOptionsValidator.TryDecode(options.PseudonymKey, out var key))
        {
            throw new InvalidOperationException($"{IngestOptions.SectionName}:PseudonymKey is not valid base64.");
        }

        return new Pseudonymizer(key, options.PseudonymBytes);
    }

    public string Pseudonymize(string rawUserId)
    {
        ArgumentNullException.ThrowIfNull(rawUserId);
        var byteCount = Encoding.UTF8.GetByteCount(rawUserId);
        Span<byte> input = byteCount <= 512 ? stackalloc byte[byteCount] : new byte[byteCount];
        Encoding.UTF8.GetBytes(rawUserId, input);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, input, mac);
        return Convert.ToHexStringLower(mac[.._bytes]);
    }
}
