using System.Security.Cryptography;
using System.Text;

namespace StreamRec.Ingest;

/// <summary>
/// Replaces raw user ids with keyed pseudonyms: lower-case hex of HMAC-SHA256(key, UTF-8 id), truncated
/// to the configured number of bytes (16 by default: 128 bits, collision-free in practice for billions
/// of users). Stable for a key, so one user's events stay together; unlinkable to the raw id without
/// the key, and a different key gives unrelated pseudonyms. This is the only place a raw id is read.
/// <para>
/// Event ids are replaced too (<see cref="PseudonymizeEventId"/>): producers choose them, and they often
/// embed the user id (the MovieLens replay's "ml-USER-ITEM-TIME" does), which would otherwise travel
/// downstream. Downstream only deduplicates by them, which a keyed hash of the id still allows. The
/// input is prefixed with a domain label, so an event id and a user id with the same text get unrelated
/// pseudonyms.
/// </para>
/// </summary>
public sealed class Pseudonymizer
{
    private readonly int _bytes;

    /// <summary>
    /// One keyed HMAC reused for every id: HMACSHA256.HashData(key, ...) sets the key up again on every
    /// call, which cost half of each MAC (3.3 against 1.5 µs measured here) and two MACs per event were
    /// the largest single cost of the Ingest stage in the end-to-end profile (docs/benchmarks.md).
    /// GetHashAndReset returns it to the keyed state. Guarded by a lock: a Pseudonymizer may be shared.
    /// </summary>
    private readonly IncrementalHash _hmac;

    public Pseudonymizer(byte[] key, int bytes = 16)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(key.Length, 32);
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes, 8);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, 32);
        _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
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
        return Mac([], rawUserId);
    }

    /// <summary>The event id as it travels downstream: a keyed hash, stable for a key, so that replays still deduplicate.</summary>
    public string PseudonymizeEventId(string rawEventId)
    {
        ArgumentNullException.ThrowIfNull(rawEventId);
        return Mac(EventIdDomain, rawEventId);
    }

    private static ReadOnlySpan<byte> EventIdDomain => "streamrec-event-id\n"u8;

    private string Mac(ReadOnlySpan<byte> domain, string text)
    {
        var byteCount = domain.Length + Encoding.UTF8.GetByteCount(text);
        Span<byte> input = byteCount <= 512 ? stackalloc byte[byteCount] : new byte[byteCount];
        domain.CopyTo(input);
        Encoding.UTF8.GetBytes(text, input[domain.Length..]);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        lock (_hmac)
        {
            _hmac.AppendData(input);
            _hmac.GetHashAndReset(mac);
        }

        return Convert.ToHexStringLower(mac[.._bytes]);
    }
}
