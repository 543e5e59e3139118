using Confluent.Kafka;
using StreamRec.Embedded;
using StreamRec.IntegrationTests.Infrastructure;

namespace StreamRec.IntegrationTests.Kafka;

[Trait(BrokerTrait.Name, BrokerTrait.EmbeddedOnly)]
[Collection(KafkaCollection.Name)]
public sealed class EmbeddedBrokerLibraryTests(KafkaFixture kafka)
{
    [Fact]
    public void The_embedded_broker_runs_in_the_one_librdkafka_that_Confluent_loaded()
    {
        // A client of Confluent's and the broker both at work in this process.
        var topic = UniqueNames.Next("one-library");
        kafka.CreateTopic(topic, partitions: 1);
        KafkaTestClients.ProduceAll(kafka.Options, topic, [("k", "v")]);

        var mapped = File.ReadLines("/proc/self/maps")
            .Select(line => line.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? line[slash..].Trim() : "")
            .Where(path => Path.GetFileName(path).Contains("librdkafka", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToList();

        // One file only: a second one (a system librdkafka.so.1 bound by name) would mean two copies of
        // librdkafka's globals in one process.
        Assert.Equal([EmbeddedKafkaCluster.LibraryPath], mapped);
        Assert.StartsWith("2.16.", Library.VersionString, StringComparison.Ordinal);
        Assert.DoesNotContain("librdkafka.so.1", mapped[0], StringComparison.Ordinal);
    }
}
