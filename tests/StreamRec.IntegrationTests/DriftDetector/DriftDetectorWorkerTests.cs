using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StreamRec.DriftDetector.Stage;
using StreamRec.DriftDetector.State;
using StreamRec.IntegrationTests.Embedding;
using StreamRec.IntegrationTests.Infrastructure;
using StreamRec.Messaging;
using StreamRec.Storage;

namespace StreamRec.IntegrationTests.DriftDetector;

/// <summary>The drift stage as a host runs it: <see cref="DriftDetectorServiceCollectionExtensions.AddDriftDetectorStage"/> and <see cref="DriftDetectorWorker"/>.</summary>
[Collection(KafkaCollection.Name)]
public sealed class DriftDetectorWorkerTests(KafkaFixture kafka, RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task Hosted_worker_applies_embedded_events_with_the_configured_state_ttl()
    {
        var prefix = UniqueNames.Next("dw") + "-";
        var topics = new TopicNames { Embedded = prefix + "embedded", Mutations = prefix + "mutations", DeadLetter = prefix + "dlq" };
        kafka.CreateTopic(topics.Embedded, partitions: 2);
        var world = new GenreWorld(prefix, seed: 31);
        var users = Enumerable.Range(0, 3).Select(u => $"{prefix}user-{u}").ToList();
        var events = users.SelectMany(u => world.Events(u, 7, 0, "Drama", "Comedy")).ToList();
        ByteRecords.ProduceAll(kafka.Options, topics.Embedded, events.Select(GenreWorld.Message));

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DriftDetector:GroupId"] = UniqueNames.Next("drift"),
            ["DriftDetector:MicroBatchSize"] = "4",
            ["DriftDetector:MicroBatchWait"] = "00:00:00.100",
            ["DriftDetector:StateTimeToLive"] = "02:00:00",
        });
        builder.Services.AddSingleton(Options.Create(new KafkaOptions { BootstrapServers = kafka.Options.BootstrapServers, Consumer = kafka.Options.Consumer, Topics = topics }));
        builder.Services.AddSingleton(Options.Create(new RedisOptions { Configuration = redis.Server.ConnectionString }));
        builder.Services.AddDriftDetectorStage(builder.Configuration);
        using var host = builder.Build();

        var store = new DriftStateStore(redis.Connection.GetDatabase(), TimeSpan.FromDays(1));
        await host.StartAsync();
        try
        {
            await Eventually.TrueAsync(
                async () => (await store.LoadAsync(users)).All(s => s?.State.Events == 7),
                TimeSpan.FromSeconds(60),
                "every user's 7 events applied");
        }
        finally
        {
            await host.StopAsync();
        }

        foreach (var user in users)
        {
            var ttl = await redis.Connection.GetDatabase().KeyTimeToLiveAsync(DriftStateStore.Key(user));
            Assert.InRange(ttl!.Value, TimeSpan.FromHours(2) - TimeSpan.FromMinutes(1), TimeSpan.FromHours(2));
        }
    }
}
