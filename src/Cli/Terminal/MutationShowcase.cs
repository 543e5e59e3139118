using System.Text.Json;
using Confluent.Kafka;
using StreamRec.Contracts;
using StreamRec.Messaging;

namespace StreamRec.Cli.Terminal;

/// <summary>Reads the mutations a run published and prints a few of them for a person.</summary>
public static class MutationShowcase
{
    /// <summary>Every record of the mutations topic, deduplicated by mutation id (a replay may publish one twice).</summary>
    public static List<MutationRecord> Read(KafkaOptions kafka, string topic, int partitions)
    {
        ArgumentNullException.ThrowIfNull(kafka);
        var config = KafkaClientConfigs.Consumer(kafka, $"streamrec-demo-reader-{Guid.NewGuid():N}");
        config.EnablePartitionEof = true;
        config.EnableAutoCommit = false;
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
        // Assigned, not subscribed: no group to join, and every partition read from the start.
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var mutations = new Dictionary<string, MutationRecord>(StringComparer.Ordinal);
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

            var mutation = JsonSerializer.Deserialize(result.Message.Value, ContractsJsonContext.Default.MutationRecord)!;
            mutations.TryAdd(mutation.MutationId, mutation);
        }

        consumer.Close();
        return [.. mutations.Values.OrderBy(m => m.Ts).ThenBy(m => m.MutationId, StringComparer.Ordinal)];
    }

    /// <summary>Prints up to <paramref name="examples"/> mutations, the most confident (highest CUSUM score) first.</summary>
    public static void Print(IReadOnlyList<MutationRecord> mutations, int examples)
    {
        ArgumentNullException.ThrowIfNull(mutations);
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
        }
    }

    private static string Titles(IEnumerable<ExampleItem> items) => string.Join("; ", items.Select(i => i.Title ?? $"item {i.ItemId}"));
}
