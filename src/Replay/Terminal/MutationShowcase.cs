using System.Globalization;
using System.Text.Json;
using Confluent.Kafka;
using StreamRec.Contracts;
using StreamRec.Messaging;

namespace StreamRec.Replay.Terminal;

/// <summary>Reads the mutations and recommendations a run published and prints a few of them for a person.</summary>
public static class MutationShowcase
{
    /// <summary>Every record of the mutations topic, deduplicated by mutation id (a replay may publish one twice).</summary>
    public static List<MutationRecord> Read(KafkaOptions kafka, string topic, int partitions, CancellationToken cancellationToken)
    {
        var mutations = new Dictionary<string, MutationRecord>(StringComparer.Ordinal);
        foreach (var value in ReadValues(kafka, topic, partitions, cancellationToken))
        {
            var mutation = JsonSerializer.Deserialize(value, ContractsJsonContext.Default.MutationRecord)!;
            mutations.TryAdd(mutation.MutationId, mutation);
        }

        return [.. mutations.Values.OrderBy(m => m.Ts).ThenBy(m => m.MutationId, StringComparer.Ordinal)];
    }

    /// <summary>Every release of the recommendations topic by release id (a release published again is the same record).</summary>
    public static Dictionary<string, RecommendationRecord> ReadReleases(KafkaOptions kafka, string topic, int partitions, CancellationToken cancellationToken)
    {
        var releases = new Dictionary<string, RecommendationRecord>(StringComparer.Ordinal);
        foreach (var value in ReadValues(kafka, topic, partitions, cancellationToken))
        {
            var release = JsonSerializer.Deserialize(value, ContractsJsonContext.Default.RecommendationRecord)!;
            releases.TryAdd(release.ReleaseId, release);
        }

        return releases;
    }

    private static List<byte[]> ReadValues(KafkaOptions kafka, string topic, int partitions, CancellationToken cancellationToken)
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
            cancellationToken.ThrowIfCancellationRequested();
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
    /// The mutations to show a person: the most confident (highest CUSUM score) mutation of each user, for
    /// the <paramref name="examples"/> users with the highest such scores, so that several users appear.
    /// </summary>
    public static List<MutationRecord> Choose(IEnumerable<MutationRecord> mutations, int examples) =>
    [
        .. mutations.GroupBy(m => m.User, StringComparer.Ordinal)
            .Select(user => user.OrderByDescending(m => m.Score).ThenBy(m => m.MutationId, StringComparer.Ordinal).First())
            .OrderByDescending(m => m.Score).ThenBy(m => m.MutationId, StringComparer.Ordinal)
            .Take(examples),
    ];

    /// <summary>
    /// Prints the <paramref name="showcased"/> mutations (of <paramref name="total"/>), each explained in
    /// categories and example titles, with the private recommendations it received.
    /// </summary>
    public static void Print(IReadOnlyList<MutationRecord> showcased, int total, IReadOnlyDictionary<string, RecommendationRecord> releases)
    {
        ArgumentNullException.ThrowIfNull(showcased);
        ArgumentNullException.ThrowIfNull(releases);
        if (showcased.Count == 0)
        {
            Console.WriteLine("  (no interest mutation in this replay: replay more events, e.g. --users 100, or the whole data set)");
            return;
        }

        Console.WriteLine();
        Console.WriteLine($"Interest mutations ({showcased.Count} of {total:N0}: the highest-scoring users; users by pseudonym)");
        foreach (var m in showcased)
        {
            var when = DateTimeOffset.FromUnixTimeMilliseconds(m.Ts).UtcDateTime;
            Console.WriteLine($"  user {ShortUser(m.User)}  mutation on {when:yyyy-MM-dd}, after {m.Events:N0} events, score {m.Score:0.0} (threshold {m.Threshold:0.#})");
            var explanation = m.Explanation;
            Console.WriteLine($"    more:   {Shifts(explanation.Gained)}");
            Console.WriteLine($"    less:   {Shifts(explanation.Lost)}");
            Console.WriteLine($"    before: {Titles(explanation.ExamplesBefore)}");
            Console.WriteLine($"    after:  {Titles(explanation.ExamplesAfter)}");
            if (releases.TryGetValue(m.MutationId, out var release))
            {
                Console.WriteLine($"    recommended ({PrivacyNote(release)}): {Titles(release.Items.Select(i => new ExampleItem(i.ItemId, i.Title)))}");
            }
            else
            {
                Console.WriteLine("    recommended: nothing (the user's privacy budget was spent, or the catalog held no candidate)");
            }
        }
    }

    /// <summary>The first characters of a pseudonym: enough to tell users apart on screen.</summary>
    public static string ShortUser(string user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user[..Math.Min(8, user.Length)] + "…";
    }

    /// <summary>"Horror +0.21, Thriller +0.12": each category with its change in affinity.</summary>
    public static string Shifts(IReadOnlyCollection<CategoryShift> shifts)
    {
        ArgumentNullException.ThrowIfNull(shifts);
        return shifts.Count == 0
            ? "(none)"
            : string.Join(", ", shifts.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Category} {s.After - s.Before:+0.00;-0.00}")));
    }

    /// <summary>
    /// What a release cost: "epsilon 1 spent, 9 left in the window" (strict mode), or "joint mode, billboard
    /// V" ("joint mode, no billboard yet" when the list followed the interest alone): a joint release spends
    /// no epsilon, so printing its zero would read as a free strict release.
    /// </summary>
    public static string PrivacyNote(RecommendationRecord release)
    {
        ArgumentNullException.ThrowIfNull(release);
        return release.PrivacyMode == "joint"
            ? release.BillboardVersion is { } version ? $"joint mode, billboard {version}" : "joint mode, no billboard yet"
            : string.Create(CultureInfo.InvariantCulture, $"epsilon {release.EpsilonSpent:0.##} spent, {release.EpsilonRemaining:0.##} left in the window");
    }

    public static string Titles(IEnumerable<ExampleItem> items)
    {
        var titles = items.Select(i => i.Title ?? $"item {i.ItemId}").ToList();
        return titles.Count == 0 ? "(none)" : string.Join("; ", titles);
    }
}
