using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace StreamRec.Recommender.Privacy;

/// <summary>
/// Uniform words from the operating system's cryptographic generator
/// (<see cref="RandomNumberGenerator"/>), buffered. The noise of a release must be unpredictable to the
/// observer: a seeded or statistical generator (System.Random) can be recovered from its outputs, and
/// then the noise can be subtracted.
/// <para>
/// Thread-safe without a lock: the buffer is per thread (<see cref="ThreadStaticAttribute"/>), so no two
/// threads can ever read the same word, and one instance (<see cref="Shared"/>) serves the whole process.
/// </para>
/// </summary>
public sealed class CryptoRandomSource : IRandomSource
{
    /// <summary>4 KiB per refill: one RandomNumberGenerator.Fill call costs about a microsecond of fixed overhead.</summary>
    private const int BufferWords = 512;

    [ThreadStatic]
    private static ulong[]? _buffer;

    [ThreadStatic]
    private static int _next;

    /// <summary>The process-wide instance (it holds no state of its own).</summary>
    public static CryptoRandomSource Shared { get; } = new();

    public ulong NextUInt64()
    {
        var buffer = _buffer;
        if (buffer is null || _next == BufferWords)
        {
            buffer = Refill();
        }

        var word = buffer[_next];
        // A word is used once: clear it so that what lies in memory afterwards says nothing about past noise.
        buffer[_next++] = 0;
        return word;
    }

    private static ulong[] Refill()
    {
        var buffer = _buffer ??= new ulong[BufferWords];
        RandomNumberGenerator.Fill(MemoryMarshal.AsBytes(buffer.AsSpan()));
        _next = 0;
        return buffer;
    }
}
