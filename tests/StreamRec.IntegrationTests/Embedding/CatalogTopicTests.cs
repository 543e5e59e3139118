using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StreamRec.Contracts;
using StreamRec.Embedder.Features;
using StreamRec.Embedder.Stage;
using StreamRec.IntegrationTests.Infrastructure;
using StreamRec.Messaging;
using StreamRec.Storage;

namespace StreamRec.IntegrationTests.Embedding;

/// <summary>The optional catalog topic, through the hosted Embedder, the real embedded broker and a real redis-server.</summary>
[Collection(KafkaCollection.Name)]
public sealed class CatalogTopicTests(KafkaFixture kafka, RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static Message<byte[]?, byte[]?> Record(CatalogItemRecord item) => new()
    {
        Key = Encoding.UTF8.GetBytes(item.ItemId),
        Value = JsonSerializer.SerializeToUtf8Bytes(item, ContractsJsonContext.Default.CatalogItemRecord),
    };

    [Fact]
    public async Task Items_published_on_the_catalog_topic_reach_the_redis_catalog_embedded_and_the_latest_record_wins()
    {
        var prefix = UniqueNames.Next("cat") + "-";
        var topics = new TopicNames { Clean = prefix + "clean", Embedded = prefix + "embedded", DeadLetter = prefix + "dlq", Catalog = prefix + "catalog" };
        // Every topic the Embedder subscribes to exists before it starts: librdkafka 2.16 stops a
        // consumer whose subscribed topic is missing ("Subscribed topic not available"), and the
        // embedded broker's auto-creation would race with that.
        kafka.CreateTopic(topics.Clean, partitions: 2);
        kafka.CreateTopic(topics.Catalog, partitions: 2);
        kafka.CreateTopic(topics.DeadLetter, partitions: 1);
        using var encoder = new TestEncoder(prefix + "model");
        CatalogItemRecord[] items =
        [
            new() { ItemId = prefix + "a", Title = "Alien (1979)", Categories = ["Horror", "Sci-Fi"] },
            new() { ItemId = prefix + "b", Title = "Heat (1995)", Categories = ["Action"] },
            new() { ItemId = prefix + "a", Title = "Aliens (1986)", Categories = ["Action", "Sci-Fi"] }, // a correction of a
        ];
        ByteRecords.ProduceAll(kafka.Options, topics.Catalog, [.. items.Select(Record), new Message<byte[]?, byte[]?> { Key = "bad"u8.ToArray(), Value = "{\"title\":\"no id\"}"u8.ToArray() }]);

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Embedder:ModelPath"] = encoder.ModelPath,
            ["Embedder:GroupId"] = UniqueNames.Next("embedder"),
            ["Embedder:ConsumeCatalog"] = "true",
            ["Embedder:CatalogGroupId"] = UniqueNames.Next("catalog"),
        });
        builder.Services.AddSingleton(Options.Create(new KafkaOptions { BootstrapServers = kafka.Options.BootstrapServers, Consumer = kafka.Options.Consumer, Topics = topics }));
        builder.Services.AddSingleton(Options.Create(new RedisOptions { Configuration = redis.Server.ConnectionString }));
        builder.Services.AddEmbedderStage(builder.Configuration);
        using var host = builder.Build();
        using var counters = new CounterCapture(host.Services.GetRequiredService<StreamRecMetrics>());

        var db = redis.Connection.GetDatabase();
        await host.StartAsync();
        try
        {
            await Eventually.TrueAsync(
                () => counters.Get("streamrec_events_consumed_total", "stage", CatalogProcessor.Stage) == 4,
                TimeSpan.FromSeconds(60),
                () => $"the catalog's 4 records consumed (have {counters.Get("streamrec_events_consumed_total", "stage", CatalogProcessor.Stage)})");
        }
        finally
        {
            await host.StopAsync();
        }

        Assert.Equal([prefix + "a", prefix + "b"], (await db.SetMembersAsync(ItemCatalogKeys.ItemsOfModel(encoder.Parameters.ModelVersion))).Select(m => (string)m!).Order());
        foreach (var item in items.Skip(1))
        {
            var hash = (await db.HashGetAllAsync(ItemCatalogKeys.Item(item.ItemId))).ToDictionary(e => (string)e.Name!, e => e.Value);
            Assert.Equal(item.Title, (string?)hash[ItemCatalogKeys.TitleField]);
            TestEncoder.AssertClose(encoder.Reference(new ItemAttributes(item.ItemId, item.Title, item.Categories)), ItemCatalogReader.ReadVector((byte[])hash[ItemCatalogKeys.VectorField]!), item.ItemId);
        }

        var dead = Assert.Single(ByteRecords.ReadToEnd(kafka.Options, topics.DeadLetter, TimeSpan.FromSeconds(30)));
        Assert.Equal(CatalogProcessor.InvalidCatalogItem, DeadLetterHeaders.Read(dead.Message.Headers, DeadLetterHeaders.Reason));
    }
}
