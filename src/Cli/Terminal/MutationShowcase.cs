using System.Text.Json;
using Confluent.Kafka;
using StreamRec.Contracts;
using StreamRec.Messaging;

namespace StreamRec.Cli.Terminal;

/// <summary>Reads the mutations and recommendations a run published and prints a few of them for a person.</summary>
public static class MutationShowcase
{
    /// <summary>Every record of the mutations topic, deduplicated by mutation id (a replay may publish one twice).</summary>
    public static List<MutationRecord> Read(KafkaOptions kafka, string topic, int partitions)
    {
        var mutations = new Dictionary<string, MutationRecord>(StringComparer.Ordinal);
        foreach (var value in ReadValues(kafka, topic, partitions))
        {
            var mutation = JsonSerializer.Deserialize(value, ContractsJsonContext.Default.MutationRecord)!;
            mutations.TryAdd(mutation.MutationId, mutation);
        }

        return [.. mutations.Values.OrderBy(m => m.Ts).ThenBy(m => m.MutationId, StringComparer.Ordinal)];
    }

    /// <summary>Every release of the recommendations topic by release id (a release published again is the same record).</summary>
    public static Dictionary<string, RecommendationRecord> ReadReleases(KafkaOptions kafka, string topic, int partitions)
    {
        var releases = new Dictionary<string, RecommendationRecord>(StringComparer.Ordinal);
        foreach (var value in ReadValues(kafka, topic, partitions))
        {
            var release = JsonSerializer.Deserialize(value, ContractsJsonContext.Default.RecommendationRecord)!;
            releases.TryAdd(release.ReleaseId, release);
        }

        return releases;
    }

    private static List<byte[]> ReadValues(KafkaOptions kafka, string topic, int partitions)
    {
        ArgumentNullException.ThrowIfNull(kafka);
        var config = KafkaClientConfigs.Consumer(kafka, $"streamrec-demo-reader-{Guid.NewGuid():N}");
        config.EnablePartitionEof = true;
        config.EnableAutoCommit = false;
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
        // Assigned, not subscribed: no group to join, and every partition read from the start.
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var values = new List<byte[]>();
        var atEnd = new HashSet<int>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (atEnd.Count < partitions)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Could not read {topic} to its end within 30 s.");
            }

            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null)
            {
                continue;
            }

            if (result.IsPartitionEOF)
            {
                atEnd.Add(result.Partition.Value);
                continue;
            }

            values.Add(result.Message.Value!);
        }

        consumer.Close();
        return values;
    }

    /// <summary>
    /// Prints up to <paramref name="examples"/> mutations, the most confident (highest CUSUM score) first,
    /// with the private recommendations each one received.
    /// </summary>
    public static void Print(IReadOnlyList<MutationRecord> mutations, IReadOnlyDictionary<string, RecommendationRecord> releases, int examples)
    {
        ArgumentNullException.ThrowIfNull(mutations);
        ArgumentNullException.ThrowIfNull(releases);
        if (mutations.Count == 0)
        {
            Console.WriteLine("  (no interest mutation in this replay: replay more events, e.g. without --limit)");
            return;
        }

        Console.WriteLine();
        Console.WriteLine($"Interest mutations ({Math.Min(examples, mutations.Count)} of {mutations.Count:N0}, highest scores first; users by pseudonym)");
        foreach (var m in mutations.OrderByDescending(m => m.Score).ThenBy(m => m.MutationId, StringComparer.Ordinal).Take(examples))
        {
            var when = DateTimeOffset.FromUnixTimeMilliseconds(m.Ts).UtcDateTime;
            Console.WriteLine($"  user {m.User[..Math.Min(8, m.User.Length)]}…  {when:yyyy-MM-dd}, after {m.Events:N0} events, score {m.Score:0.0} (threshold {m.Threshold:0.#})");
            Console.WriteLine($"    {m.Explanation.Summary}");
            if (m.Explanation.ExamplesBefore.Count > 0)
            {
                Console.WriteLine($"    before: {Titles(m.Explanation.ExamplesBefore)}");
            }

            if (m.Explanation.ExamplesAfter.Count > 0)
            {
                Console.WriteLine($"    after:  {Titles(m.Explanation.ExamplesAfter)}");
            }

            if (releases.TryGetValue(m.MutationId, out var release))
            {
                Console.WriteLine($"    recommended (epsilon {release.EpsilonSpent:0.##}, {release.EpsilonRemaining:0.##} left in the window): {string.Join("; ", release.Items.Select(i => i.Title ?? $"item {i.ItemId}"))}");
            }
            else
            {
                Console.WriteLine("    recommended: nothing (the user's privacy budget was spent)");
            }
        }
    }

    private static string Titles(IEnumerable<ExampleItem> items) => string.Join("; ", items.Select(i => i.Title ?? $"item {i.ItemId}"));
}
