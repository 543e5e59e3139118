using Confluent.Kafka;
using Confluent.Kafka.Admin;
using DotNet.Testcontainers.Builders;
using StreamRec.Embedded;
using StreamRec.Messaging;
using Testcontainers.Kafka;

namespace StreamRec.IntegrationTests.Infrastructure;

/// <summary>
/// One Kafka shared by the tests of a collection; each test uses its own topics and groups. By default the
/// embedded broker (3 brokers, in this process); with <c>STREAMREC_TEST_KAFKA=container</c> a real Apache
/// Kafka broker in a container (Testcontainers), where Docker is available. Tests that need the embedded
/// broker's fault injection use <see cref="Cluster"/> and carry <see cref="BrokerTrait.EmbeddedOnly"/>.
/// </summary>
public sealed class KafkaFixture : IAsyncLifetime
{
    /// <summary>The image of container mode: Confluent's build of Apache Kafka, in KRaft mode.</summary>
    public const string ContainerImage = "confluentinc/cp-kafka:7.9.2";

    private EmbeddedKafkaCluster? _cluster;
    private KafkaContainer? _container;
    private KafkaOptions? _options;

    public KafkaTestMode Mode { get; } = KafkaTestModes.Current;

    /// <summary>The embedded broker; only in embedded mode (tests that use it carry <see cref="BrokerTrait.EmbeddedOnly"/>).</summary>
    public EmbeddedKafkaCluster Cluster => _cluster ?? throw new InvalidOperationException(
        $"This test uses the embedded broker, which a {KafkaTestModes.Variable}={Mode} run does not have: " +
        $"mark it [Trait(BrokerTrait.Name, BrokerTrait.EmbeddedOnly)].");

    public KafkaOptions Options => _options ?? throw new InvalidOperationException("Kafka fixture not started.");

    public string BootstrapServers => Options.BootstrapServers;

    public async Task InitializeAsync()
    {
        if (Mode == KafkaTestMode.Embedded)
        {
            _cluster = new EmbeddedKafkaCluster(brokers: 3);
            _options = new KafkaOptions
            {
                BootstrapServers = _cluster.BootstrapServers,
                Consumer = new Dictionary<string, string>(EmbeddedKafkaCluster.ConsumerSettings, StringComparer.Ordinal),
            };
            return;
        }

        _container = await StartContainerAsync();
        _options = new KafkaOptions { BootstrapServers = _container.GetBootstrapAddress() };
    }

    /// <summary>Creates a topic with its partitions (one replica in container mode, a single broker).</summary>
    public void CreateTopic(string topic, int partitions)
    {
        if (_cluster is not null)
        {
            _cluster.CreateTopic(topic, partitions);
            return;
        }

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1 }])
            .GetAwaiter().GetResult(); // tests call this synchronously, on their own thread, before any loop runs
    }

    public async Task DisposeAsync()
    {
        _cluster?.Dispose();
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }

    /// <summary>
    /// Builds and starts the container, or says at once why it cannot: without a Docker engine
    /// Testcontainers throws from Build() within about 0.1 s (from the start, with an engine configured
    /// but not answering), and the run must fail with the reason, not wait.
    /// </summary>
    /// <param name="dockerEndpoint">The Docker engine to use; null for Testcontainers' own discovery (DOCKER_HOST, the local socket).</param>
    internal static async Task<KafkaContainer> StartContainerAsync(string? dockerEndpoint = null)
    {
        KafkaContainer? container = null;
        try
        {
            var builder = new KafkaBuilder(ContainerImage);
            container = (dockerEndpoint is null ? builder : builder.WithDockerEndpoint(dockerEndpoint)).Build();
            using var starting = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            await container.StartAsync(starting.Token);
            return container;
        }
        catch (Exception e) when (e is DockerUnavailableException or HttpRequestException or System.Net.Sockets.SocketException)
        {
            if (container is not null)
            {
                await container.DisposeAsync();
            }

            throw new InvalidOperationException(
                $"{KafkaTestModes.Variable}=container runs the tests against Kafka in a container and needs a Docker engine, " +
                $"which this machine does not offer ({e.GetType().Name}: {e.Message}). Unset {KafkaTestModes.Variable} to use the embedded broker.", e);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class KafkaCollection : ICollectionFixture<KafkaFixture>
{
    public const string Name = "kafka";
}
