using System.Text.Json;
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

        using var replay = ExternalProcess.StartStreamRec("replay", "-b", kafka.BootstrapServers, "--topic", topic, "--limit", $"{events}", "--rate", "20000");
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
    public async Task Replay_without_a_bootstrap_server_is_a_usage_error_naming_the_option()
    {
        using var replay = ExternalProcess.StartStreamRec("replay", "--limit", "10");
        await replay.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, replay.ExitCode);
        Assert.Contains("--bootstrap-servers", replay.StandardError + replay.StandardOutput, StringComparison.Ordinal);
    }
}
