using System.Globalization;

namespace StreamRec.Benchmarks.EndToEnd;

/// <summary>
/// One pipeline shape that <c>streamrec-bench e2e</c> measures, parsed from an item of <c>--topology</c>:
/// <c>fused</c> or <c>split</c>, then any number of <c>+key=value</c> changes, e.g.
/// <c>fused+compression.type=none</c>, <c>fused+partitions=64</c>, <c>split+batch=1024+wait=5</c>.
/// <c>partitions</c> sets every topic's partitions, <c>batch</c> and <c>wait</c> (ms) every stage's
/// micro-batch size and wait, <c>threads</c> the thread pool's minimum worker threads (the stage loops
/// block pool threads in Consume), <c>chains</c> (fused) how many fused chains share the raw topic as
/// members of one consumer group; a key starting with <c>fetch.</c>, <c>queued.</c> or <c>consumer.</c> (that
/// prefix removed) is a consumer setting; any other key is a producer setting of the stages and the load
/// generator. Every variant runs on its own broker and redis-server, against the raw limits of the same run.
/// </summary>
internal sealed record TopologyVariant(string Label, bool Fused, int? Partitions, int? BatchSize, TimeSpan? BatchWait, int? MinThreads, int Chains,
    IReadOnlyDictionary<string, string> Producer, IReadOnlyDictionary<string, string> Consumer)
{
    public static TopologyVariant Parse(string text)
    {
        var parts = text.Split('+', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var fused = parts.Length > 0 ? parts[0] switch
        {
            "fused" => true,
            "split" => false,
            _ => throw new UsageException($"--topology: '{parts[0]}' is neither fused nor split (in '{text}')."),
        } : throw new UsageException("--topology: an empty item.");
        int? partitions = null, batch = null, threads = null;
        var chains = 1;
        TimeSpan? wait = null;
        var producer = new Dictionary<string, string>(StringComparer.Ordinal);
        var consumer = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var change in parts.Skip(1))
        {
            var equals = change.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new UsageException($"--topology: '{change}' is not key=value (in '{text}').");
            }

            var (key, value) = (change[..equals], change[(equals + 1)..]);
            int Number() => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0
                ? n
                : throw new UsageException($"--topology: {key} expects a non-negative integer, got '{value}'.");
            switch (key)
            {
                case "partitions":
                    partitions = Number();
                    break;
                case "batch":
                    batch = Number();
                    break;
                case "chains":
                    chains = fused ? Math.Max(1, Number()) : throw new UsageException($"--topology: chains is for fused only (in '{text}').");
                    break;
                case "threads":
                    threads = Number();
                    break;
                case "wait":
                    wait = TimeSpan.FromMilliseconds(Number());
                    break;
                case var k when k.StartsWith("consumer.", StringComparison.Ordinal):
                    consumer[k["consumer.".Length..]] = value;
                    break;
                case var k when k.StartsWith("fetch.", StringComparison.Ordinal) || k.StartsWith("queued.", StringComparison.Ordinal):
                    consumer[k] = value;
                    break;
                default:
                    producer[key] = value;
                    break;
            }
        }

        return new TopologyVariant(text, fused, partitions, batch, wait, threads, chains, producer, consumer);
    }
}
