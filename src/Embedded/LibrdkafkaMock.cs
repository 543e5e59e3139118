using System.Runtime.InteropServices;

namespace StreamRec.Embedded;

/// <summary>
/// P/Invoke declarations for librdkafka's mock cluster API (rdkafka_mock.h), exported by Debian's
/// librdkafka.so.1. Confluent.Kafka 1.9.3 does not expose the native handle these functions need,
/// so the embedded broker owns its own rd_kafka_t.
/// </summary>
internal static partial class LibrdkafkaMock
{
    private const string Lib = StreamRec.Messaging.KafkaNativeLibrary.Soname;

    public const int ProducerType = 0; // RD_KAFKA_PRODUCER
    public const int ConfOk = 0;       // RD_KAFKA_CONF_OK

    [LibraryImport(Lib, EntryPoint = "rd_kafka_conf_new")]
    public static partial IntPtr ConfNew();

    [LibraryImport(Lib, EntryPoint = "rd_kafka_conf_destroy")]
    public static partial void ConfDestroy(IntPtr conf);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_conf_set", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int ConfSet(IntPtr conf, string name, string value, byte[] errstr, nuint errstrSize);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_new")]
    public static partial IntPtr New(int type, IntPtr conf, byte[] errstr, nuint errstrSize);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_destroy")]
    public static partial void Destroy(IntPtr rk);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_err2str")]
    public static partial IntPtr Err2Str(int err);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_mock_cluster_new")]
    public static partial IntPtr ClusterNew(IntPtr rk, int brokerCount);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_mock_cluster_destroy")]
    public static partial void ClusterDestroy(IntPtr cluster);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_mock_cluster_bootstraps")]
    public static partial IntPtr ClusterBootstraps(IntPtr cluster);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_mock_topic_create", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int TopicCreate(IntPtr cluster, string topic, int partitions, int replicationFactor);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_mock_broker_set_down")]
    public static partial int BrokerSetDown(IntPtr cluster, int brokerId);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_mock_broker_set_up")]
    public static partial int BrokerSetUp(IntPtr cluster, int brokerId);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_mock_broker_set_rtt")]
    public static partial int BrokerSetRtt(IntPtr cluster, int brokerId, int rttMs);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_mock_partition_set_leader", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int PartitionSetLeader(IntPtr cluster, string topic, int partition, int brokerId);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_mock_push_request_errors_array")]
    public static partial void PushRequestErrorsArray(IntPtr cluster, short apiKey, nuint count, int[] errors);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_mock_clear_request_errors")]
    public static partial void ClearRequestErrors(IntPtr cluster, short apiKey);

    public static string ErrorText(int err) => Marshal.PtrToStringUTF8(Err2Str(err)) ?? $"error {err}";
}
