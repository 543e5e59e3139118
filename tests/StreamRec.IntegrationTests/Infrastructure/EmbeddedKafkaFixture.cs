using StreamRec.Embedded;
using StreamRec.Messaging;

namespace StreamRec.IntegrationTests.Infrastructure;

/// <summary>One embedded Kafka-protocol cluster (3 brokers) shared by the tests of a collection; each test uses its own topics and groups.</summary>
public sealed class EmbeddedKafkaFixture : IDisposable
{
    public EmbeddedKafkaFixture()
    {
        Cluster = new EmbeddedKafkaCluster(brokers: 3);
        Options = new KafkaOptions
        {
            BootstrapServers = Cluster.BootstrapServers,
            Consumer = new Dictionary<string, string>(EmbeddedKafkaCluster.ConsumerSettings, StringComparer.Ordinal),
        };
    }

    public EmbeddedKafkaCluster Cluster { get; }

    public KafkaOptions Options { get; }

    public void Dispose() => Cluster.Dispose();
}

[CollectionDefinition(Name)]
public sealed class KafkaCollection : ICollectionFixture<EmbeddedKafkaFixture>
{
    public const string Name = "embedded kafka";
}
