using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StreamRec.Contracts;
using StreamRec.Embedder.Stage;
using StreamRec.IntegrationTests.Infrastructure;
using StreamRec.IntegrationTests.Kafka;
using StreamRec.Messaging;
using StreamRec.Storage;

namespace StreamRec.IntegrationTests.Embedding;

/// <summary>The embed stage as a host runs it: <see cref="EmbedderServiceCollectionExtensions.AddEmbedderStage"/> and <see cref="EmbedderWorker"/>.</summary>
[Collection(KafkaCollection.Name)]
public sealed class EmbedderWorkerTests(KafkaFixture kafka, RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task Hosted_worker_embeds_clean_events_configured_from_configuration()
    {
        const int Events = 12;
        var topics = new TopicNames { Clean = UniqueNames.Next("clean"), Embedded = UniqueNames.Next("embedded"), DeadLetter = UniqueNames.Next("dlq") };
        kafka.CreateTopic(topics.Clean, partitions: 2);
        var modelVersion = UniqueNames.Next("hosted");
        using var encoder = new TestEncoder(modelVersion);
        var items = MovieItems.Create(UniqueNames.Next("hosted-item") + "-", Events);
        KafkaTestClients.ProduceAll(kafka.Options, topics.Clean, items.Select((item, i) => ("user-" + (i % 3), JsonSerializer.Serialize(
            new CleanEvent { EventId = $"h-{i}", User = "user-" + (i % 3), ItemId = item.ItemId, Type = "view", Weight = 0.1f, Ts = 1_000 + i, Title = item.Title, Categories = item.Categories },
            ContractsJsonContext.Default.CleanEvent))));

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Embedder:ModelPath"] = encoder.ModelPath,
            ["Embedder:GroupId"] = UniqueNames.Next("embedder"),
            ["Embedder:MicroBatchSize"] = "5",
            ["Embedder:MicroBatchWait"] = "00:00:00.100",
        });
        builder.Services.AddSingleton(Options.Create(new KafkaOptions { BootstrapServers = kafka.Options.BootstrapServers, Consumer = kafka.Options.Consumer, Topics = topics }));
        builder.Services.AddSingleton(Options.Create(new RedisOptions { Configuration = redis.Server.ConnectionString }));
        builder.Services.AddEmbedderStage(builder.Configuration);
        using var host = builder.Build();

        await host.StartAsync();
        try
        {
            // Every event has its own item, so all items in Redis means every event was processed.
            var db = redis.Connection.GetDatabase();
            await Eventually.TrueAsync(
                () => db.SetLength(ItemCatalogKeys.ItemsOfModel(modelVersion)) == Events,
                TimeSpan.FromSeconds(60),
                () => $"{Events} items in Redis (have {db.SetLength(ItemCatalogKeys.ItemsOfModel(modelVersion))})");
        }
        finally
        {
            await host.StopAsync();
        }

        var embedded = ByteRecords.ReadToEnd(kafka.Options, topics.Embedded, TimeSpan.FromSeconds(30));
        Assert.Equal(
            Enumerable.Range(0, Events).Select(i => $"h-{i}").Order(),
            embedded.Select(record => EmbeddedEventCodec.Read(record.Message.Value).EventId).Order());
    }
}
