namespace StreamRec.IntegrationTests.Infrastructure;

/// <summary>Which Kafka the integration tests run against, chosen by <c>STREAMREC_TEST_KAFKA</c>.</summary>
public enum KafkaTestMode
{
    /// <summary>The embedded broker (librdkafka's mock cluster) in the test process: the default.</summary>
    Embedded,

    /// <summary>Apache Kafka in a container started by Testcontainers; needs a Docker engine and its image.</summary>
    Container,
}
