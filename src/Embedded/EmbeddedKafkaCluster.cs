using System.Text;
using Confluent.Kafka;

namespace StreamRec.Embedded;

/// <summary>
/// A Kafka-protocol broker cluster inside this process: librdkafka's mock cluster (bundled with
/// librdkafka.redist), listening on loopback TCP ports, usable by any Kafka client in any process
/// (Confluent.Kafka, kcat). It is the embedded default for the demo, the tests and
/// <c>streamrec dev-kafka</c>; production uses a real Kafka cluster. Supports produce (idempotent), fetch,
/// consumer groups (classic and KIP-848), offset commits, and the transaction protocol only: read_committed
/// consumers still see aborted records, and offsets sent in a transaction are not stored. It does NOT
/// support the CreateTopics admin call, so topics are created here with <see cref="CreateTopic"/> (unknown
/// topics are auto-created with 4 partitions). Each partition keeps only its newest ~5 MB of batches.
/// Never call the admin client's ListConsumerGroupsAsync against it: on librdkafka 2.16 that crashed the
/// process with a double free in 6 of 7 runs. The cluster lives until <see cref="Dispose"/>.
/// </summary>
public sealed class EmbeddedKafkaCluster : IDisposable
{
    private readonly Lock _gate = new();
    private IntPtr _handle;
    private IntPtr _cluster;

    /// <param name="brokers">Number of brokers (ids 1..n).</param>
    /// <param name="initialRebalanceDelay">
    /// How long the group coordinator waits for more members before it completes a new group's first
    /// join (Kafka's group.initial.rebalance.delay.ms; librdkafka's mock defaults to 3 s). Zero by
    /// default: on a development broker a stage, a test or a demo reader joins in about 0.1 s instead of
    /// 3.1 s, and members that arrive later are given partitions by an ordinary rebalance.
    /// </param>
    public EmbeddedKafkaCluster(int brokers = 1, TimeSpan? initialRebalanceDelay = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        BrokerCount = brokers;

        var errors = new byte[512];
        var conf = LibrdkafkaMock.ConfNew();
        // The mock cluster's own client handle never talks to a broker; keep it quiet.
        if (LibrdkafkaMock.ConfSet(conf, "log_level", "3", errors) != LibrdkafkaMock.ConfOk)
        {
            LibrdkafkaMock.ConfDestroy(conf);
            throw new KafkaException(new Error(ErrorCode.Local_Fail, Text(errors)));
        }

        // rd_kafka_new takes ownership of conf on success only.
        _handle = LibrdkafkaMock.New(LibrdkafkaMock.ProducerType, conf, errors);
        if (_handle == IntPtr.Zero)
        {
            LibrdkafkaMock.ConfDestroy(conf);
            throw new KafkaException(new Error(ErrorCode.Local_Fail, $"rd_kafka_new failed: {Text(errors)}"));
        }

        _cluster = LibrdkafkaMock.ClusterNew(_handle, brokers);
        if (_cluster == IntPtr.Zero)
        {
            LibrdkafkaMock.Destroy(_handle);
            _handle = IntPtr.Zero;
            throw new KafkaException(new Error(ErrorCode.Local_Fail, "rd_kafka_mock_cluster_new failed"));
        }

        BootstrapServers = LibrdkafkaMock.ClusterBootstraps(_cluster)
            ?? throw new InvalidOperationException("The mock cluster reported no bootstrap address.");
        LibrdkafkaMock.GroupInitialRebalanceDelay(_cluster, (int)(initialRebalanceDelay ?? TimeSpan.Zero).TotalMilliseconds);
    }

    /// <summary>
    /// Settings for consumers of this cluster (<see cref="Messaging.KafkaOptions.Consumer"/>). The mock group coordinator lets a rebalance of a
    /// non-empty group wait for half the session timeout (librdkafka's rdkafka_mock_cgrp.c); with the
    /// default 45 s a cooperative rebalance (two rounds) takes about 45 s. A 6 s session timeout makes it
    /// take seconds, as on a real broker. Real clusters keep their own defaults.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ConsumerSettings { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["session.timeout.ms"] = "6000",
        ["heartbeat.interval.ms"] = "500",
    };

    /// <summary>The librdkafka file the broker runs in: the one Confluent.Kafka loaded (see <see cref="LibrdkafkaMock"/>).</summary>
    public static string LibraryPath => LibrdkafkaMock.LoadedPath;

    /// <summary>Comma-separated 127.0.0.1:port list of the brokers.</summary>
    public string BootstrapServers { get; }

    public int BrokerCount { get; }

    /// <summary>Creates a topic (idempotent for an existing topic with the same layout).</summary>
    public void CreateTopic(string topic, int partitions, int replicationFactor = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicationFactor, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(replicationFactor, BrokerCount);
        Check(LibrdkafkaMock.TopicCreate(Cluster, topic, partitions, replicationFactor), $"create topic '{topic}'");
    }

    /// <summary>Takes a broker (1-based id) off the network: fault injection for reliability tests.</summary>
    public void SetBrokerDown(int brokerId) =>
        Check(LibrdkafkaMock.BrokerSetDown(Cluster, brokerId), $"set broker {brokerId} down");

    public void SetBrokerUp(int brokerId) =>
        Check(LibrdkafkaMock.BrokerSetUp(Cluster, brokerId), $"set broker {brokerId} up");

    /// <summary>Delays a broker's responses by <paramref name="rttMs"/> (0: none), as a distant broker would.</summary>
    public void SetBrokerRoundTrip(int brokerId, int rttMs) =>
        Check(LibrdkafkaMock.BrokerSetRtt(Cluster, brokerId, rttMs), $"set broker {brokerId}'s round trip to {rttMs} ms");

    public void SetPartitionLeader(string topic, int partition, int brokerId) =>
        Check(LibrdkafkaMock.PartitionSetLeader(Cluster, topic, partition, brokerId),
            $"move leader of {topic}[{partition}] to broker {brokerId}");

    /// <summary>
    /// Makes the next requests of one Kafka API (e.g. 0 = Produce, 1 = Fetch, 8 = OffsetCommit) fail with
    /// the given errors, in order, whichever client sends them.
    /// <para>
    /// Produce errors meet a limit of the mock: it checks the sequence numbers of a transactional
    /// producer only, not of an idempotent one. When an injected error fails one produce request and a
    /// request pipelined behind it on the same partition succeeds, librdkafka takes the failed batch for
    /// delivered ("implicitly acked by subsequent batch success", as a real broker's sequence check
    /// entitles it to), and that batch is lost with a successful delivery report. A real broker refuses
    /// the later batch (OUT_OF_ORDER_SEQUENCE_NUMBER) and both are sent again. Producers that must lose
    /// nothing through injected produce errors keep one request in flight
    /// (<c>max.in.flight.requests.per.connection=1</c>).
    /// </para>
    /// </summary>
    public void PushRequestErrors(short apiKey, params ErrorCode[] errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var codes = Array.ConvertAll(errors, e => (int)e);
        LibrdkafkaMock.PushRequestErrorsArray(Cluster, apiKey, codes);
    }

    public void ClearRequestErrors(short apiKey) => LibrdkafkaMock.ClearRequestErrors(Cluster, apiKey);

    public void Dispose()
    {
        lock (_gate)
        {
            // An explicitly created mock cluster must be destroyed before the handle it was created on.
            if (_cluster != IntPtr.Zero)
            {
                LibrdkafkaMock.ClusterDestroy(_cluster);
            }

            if (_handle != IntPtr.Zero)
            {
                LibrdkafkaMock.Destroy(_handle);
                _handle = IntPtr.Zero;
                _cluster = IntPtr.Zero;
            }
        }
    }

    private IntPtr Cluster
    {
        get
        {
            ObjectDisposedException.ThrowIf(_cluster == IntPtr.Zero, this);
            return _cluster;
        }
    }

    private static void Check(int err, string what)
    {
        if (err != 0)
        {
            throw new KafkaException(new Error((ErrorCode)err, $"Embedded broker: cannot {what}: {LibrdkafkaMock.ErrorText(err)}"));
        }
    }

    private static string Text(byte[] buffer)
    {
        var end = Array.IndexOf(buffer, (byte)0);
        return Encoding.UTF8.GetString(buffer, 0, end < 0 ? buffer.Length : end);
    }
}
