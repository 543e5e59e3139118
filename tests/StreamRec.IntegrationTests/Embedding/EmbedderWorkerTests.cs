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
    public async Task Hosted_worker_embeds_clean_events_configured_from_configuration_and_reads_the_catalog_by_default()
    {
        const int Events = 12;
        var topics = new TopicNames
        {
            Clean = UniqueNames.Next("clean"), Embedded = UniqueNames.Next("embedded"), DeadLetter = UniqueNames.Next("dlq"), Catalog = UniqueNames.Next("catalog"),
        };
        kafka.CreateTopic(topics.Clean, partitions: 2);
        kafka.CreateTopic(topics.Catalog, partitions: 1); // consumed by default: the only source of candidates
        kafka.CreateTopic(topics.Embedded, partitions: 2);
        var modelVersion = UniqueNames.Next("hosted");
        using var encoder = new TestEncoder(modelVersion);
        var items = MovieItems.Create(UniqueNames.Next("hosted-item") + "-", Events);
        KafkaTestClients.ProduceAll(kafka.Options, topics.Clean, items.Select((item, i) => ("user-" + (i % 3), JsonSerializer.Serialize(
            new CleanEvent { EventId = $"h-{i}", User = "user-" + (i % 3), ItemId = item.ItemId, Type = "view", Weight = 0.1f, Ts = 1_000 + i, Title = item.Title, Categories = item.Categories },
            ContractsJsonContext.Default.CleanEvent))));
        var published = MovieItems.Create(UniqueNames.Next("hosted-public") + "-", 2);
        KafkaTestClients.ProduceAll(kafka.Options, topics.Catalog, published.Select(item => (item.ItemId, JsonSerializer.Serialize(
            new CatalogItemRecord { ItemId = item.ItemId, Title = item.Title, Categories = item.Categories }, ContractsJsonContext.Default.CatalogItemRecord))));

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Embedder:ModelPath"] = encoder.ModelPath,
            ["Embedder:GroupId"] = UniqueNames.Next("embedder"),
            ["Embedder:MicroBatchSize"] = "5",
            ["Embedder:MicroBatchWait"] = "00:00:00.100",
            ["Embedder:CatalogGroupId"] = UniqueNames.Next("catalog"),
        });
        builder.Services.AddSingleton(Options.Create(new KafkaOptions { BootstrapServers = kafka.Options.BootstrapServers, Consumer = kafka.Options.Consumer, Topics = topics }));
        builder.Services.AddSingleton(Options.Create(new RedisOptions { Configuration = redis.Server.ConnectionString }));
        builder.Services.AddEmbedderStage(builder.Configuration);
        using var host = builder.Build();

        await host.StartAsync();
        try
        {
            // Every event embedded, and the candidate set holds the published items only.
            var db = redis.Connection.GetDatabase();
            int Embedded() => ByteRecords.ReadToEnd(kafka.Options, topics.Embedded, TimeSpan.FromSeconds(2)).Count;
            await Eventually.TrueAsync(
                () => Embedded() == Events && db.SetLength(ItemCatalogKeys.ItemsOfModel(modelVersion)) == published.Count,
                TimeSpan.FromSeconds(60),
                () => $"{Events} events embedded and {published.Count} items published in Redis (have {Embedded()} and {db.SetLength(ItemCatalogKeys.ItemsOfModel(modelVersion))})");
            Assert.Equal(published.Select(p => p.ItemId).Order(), db.SetMembers(ItemCatalogKeys.ItemsOfModel(modelVersion)).Select(m => (string)m!).Order());
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
