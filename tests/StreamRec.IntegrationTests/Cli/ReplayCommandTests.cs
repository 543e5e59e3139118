using System.Globalization;
using System.Text.Json;
using StreamRec.Datasets;
using StreamRec.Contracts;
using StreamRec.IntegrationTests.Infrastructure;
using StreamRec.IntegrationTests.Kafka;

namespace StreamRec.IntegrationTests.Cli;

[Collection(KafkaCollection.Name)]
public sealed class ReplayCommandTests(KafkaFixture kafka)
{
    [Fact]
    public async Task Replay_writes_every_event_in_the_contract_keyed_by_user_in_time_order()
    {
        const int events = 3_000;
        var topic = UniqueNames.Next("replay");
        kafka.CreateTopic(topic, partitions: 4);

        using var replay = ExternalProcess.StartStreamRec("replay", "-b", kafka.BootstrapServers, "--topic", topic, "--no-catalog", "--limit", $"{events}", "--rate", "20000");
        await replay.WaitForExitAsync(TimeSpan.FromSeconds(120));
        Assert.True(replay.ExitCode == 0, replay.StandardError);
        Assert.Contains($"replay: {events:N0} events delivered", replay.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("replay ->", replay.StandardError, StringComparison.Ordinal); // progress output

        var records = KafkaTestClients.ReadToEnd(kafka.Options, topic, readCommitted: false, TimeSpan.FromSeconds(60));
        Assert.Equal(events, records.Count);
        var lastTs = new Dictionary<string, long>();
        foreach (var record in records)
        {
            var raw = JsonSerializer.Deserialize(record.Message.Value, ContractsJsonContext.Default.RawEvent)!;
            Assert.Equal(RawEvent.CurrentSchemaVersion, raw.SchemaVersion);
            Assert.Equal(raw.UserId, record.Message.Key);
            Assert.Contains(raw.Type, (string[])["view", "click", "add_to_cart", "purchase"]);
            Assert.InRange(raw.Ts, 788_918_400_000L, 1_483_228_800_000L); // 1995-2016
            Assert.True(raw.Ts >= lastTs.GetValueOrDefault(raw.UserId), $"user {raw.UserId}: events out of time order");
            lastTs[raw.UserId] = raw.Ts;
        }

        Assert.Equal(events, records.Select(r => JsonSerializer.Deserialize(r.Message.Value, ContractsJsonContext.Default.RawEvent)!.EventId).Distinct().Count());
    }

    [Fact]
    public async Task Replay_publishes_the_film_list_on_the_catalog_topic_before_the_events()
    {
        var topic = UniqueNames.Next("replay-events");
        var catalogTopic = UniqueNames.Next("replay-catalog");
        kafka.CreateTopic(topic, partitions: 2);
        kafka.CreateTopic(catalogTopic, partitions: 2);

        using var replay = ExternalProcess.StartStreamRec("replay", "-b", kafka.BootstrapServers, "--topic", topic, "--catalog-topic", catalogTopic, "--limit", "200");
        await replay.WaitForExitAsync(TimeSpan.FromSeconds(120));
        Assert.True(replay.ExitCode == 0, replay.StandardError);

        // Every film of movies.csv, keyed by its id, in the catalog contract (public data: ids, titles, genres).
        var movies = MovieLensDataset.LoadDefault().Movies;
        Assert.Contains($"replay: {movies.Length:N0} films published to {catalogTopic}", replay.StandardOutput, StringComparison.Ordinal);
        var catalog = KafkaTestClients.ReadToEnd(kafka.Options, catalogTopic, readCommitted: false, TimeSpan.FromSeconds(60));
        var items = catalog.Select(r => (r.Message.Key, Item: JsonSerializer.Deserialize(r.Message.Value, ContractsJsonContext.Default.CatalogItemRecord)!)).ToList();
        Assert.Equal(movies.Select(m => m.Id.ToString(CultureInfo.InvariantCulture)).Order(), items.Select(i => i.Item.ItemId).Order());
        Assert.All(items, i => Assert.Equal(i.Item.ItemId, i.Key));
        var events = KafkaTestClients.ReadToEnd(kafka.Options, topic, readCommitted: false, TimeSpan.FromSeconds(60));
        Assert.Equal(200, events.Count);
        var films = items.Select(i => i.Item.ItemId).ToHashSet(StringComparer.Ordinal);
        Assert.All(events, e => Assert.Contains(JsonSerializer.Deserialize(e.Message.Value, ContractsJsonContext.Default.RawEvent)!.ItemId, films));

        // Before: the catalog was acknowledged in full before the first event was produced.
        Assert.True(
            catalog.Max(r => r.Message.Timestamp.UnixTimestampMs) <= events.Min(r => r.Message.Timestamp.UnixTimestampMs),
            "an event was produced before the last film of the catalog");
    }

    [Fact]
    public async Task Replay_without_a_bootstrap_server_is_a_usage_error_naming_the_option()
    {
        using var replay = ExternalProcess.StartStreamRec("replay", "--limit", "10");
        await replay.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, replay.ExitCode);
        Assert.Contains("--bootstrap-servers", replay.StandardError + replay.StandardOutput, StringComparison.Ordinal);
    }
}
