using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace StreamRec.Embedded;

/// <summary>
/// librdkafka's mock cluster API (rdkafka_mock.h), bound to the very file Confluent.Kafka loaded.
/// Confluent keeps its native handles to itself, so the embedded broker owns an rd_kafka_t of its own;
/// binding by file name (<c>librdkafka.so.1</c>) could load a second librdkafka beside Confluent's (a
/// system package's), with two copies of every global in one process. Confluent picks its file at run
/// time (on Debian 12 the package's <c>centos8-librdkafka.so</c>, since its main build needs a
/// libsasl2.so.3 that Debian lacks), so the path is read from this process's mappings after Confluent
/// has loaded it, and every function is looked up in that handle.
/// </summary>
internal static unsafe class LibrdkafkaMock
{
    public const int ProducerType = 0; // RD_KAFKA_PRODUCER
    public const int ConfOk = 0;       // RD_KAFKA_CONF_OK

    private static readonly Lazy<Exports> Bound = new(Bind, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The path of the librdkafka file Confluent.Kafka loaded into this process.</summary>
    public static string LoadedPath => Bound.Value.Path;

    public static IntPtr ConfNew() => Bound.Value.ConfNew();

    public static void ConfDestroy(IntPtr conf) => Bound.Value.ConfDestroy(conf);

    public static int ConfSet(IntPtr conf, string name, string value, byte[] errstr)
    {
        var nameZ = Utf8Z(name);
        var valueZ = Utf8Z(value);
        fixed (byte* n = nameZ, v = valueZ, e = errstr)
        {
            return Bound.Value.ConfSet(conf, n, v, e, (nuint)errstr.Length);
        }
    }

    public static IntPtr New(int type, IntPtr conf, byte[] errstr)
    {
        fixed (byte* e = errstr)
        {
            return Bound.Value.New(type, conf, e, (nuint)errstr.Length);
        }
    }

    public static void Destroy(IntPtr rk) => Bound.Value.Destroy(rk);

    public static IntPtr ClusterNew(IntPtr rk, int brokerCount) => Bound.Value.ClusterNew(rk, brokerCount);

    public static void ClusterDestroy(IntPtr cluster) => Bound.Value.ClusterDestroy(cluster);

    public static string? ClusterBootstraps(IntPtr cluster) => Marshal.PtrToStringUTF8(Bound.Value.ClusterBootstraps(cluster));

    public static int TopicCreate(IntPtr cluster, string topic, int partitions, int replicationFactor)
    {
        var topicZ = Utf8Z(topic);
        fixed (byte* t = topicZ)
        {
            return Bound.Value.TopicCreate(cluster, t, partitions, replicationFactor);
        }
    }

    public static int BrokerSetDown(IntPtr cluster, int brokerId) => Bound.Value.BrokerSetDown(cluster, brokerId);

    public static int BrokerSetUp(IntPtr cluster, int brokerId) => Bound.Value.BrokerSetUp(cluster, brokerId);

    public static int BrokerSetRtt(IntPtr cluster, int brokerId, int rttMs) => Bound.Value.BrokerSetRtt(cluster, brokerId, rttMs);

    public static int PartitionSetLeader(IntPtr cluster, string topic, int partition, int brokerId)
    {
        var topicZ = Utf8Z(topic);
        fixed (byte* t = topicZ)
        {
            return Bound.Value.PartitionSetLeader(cluster, t, partition, brokerId);
        }
    }

    public static void PushRequestErrorsArray(IntPtr cluster, short apiKey, int[] errors)
    {
        fixed (int* e = errors)
        {
            Bound.Value.PushRequestErrorsArray(cluster, apiKey, (nuint)errors.Length, e);
        }
    }

    public static void ClearRequestErrors(IntPtr cluster, short apiKey) => Bound.Value.ClearRequestErrors(cluster, apiKey);

    /// <summary>How long the mock's group coordinator waits for more members before the first join completes.</summary>
    public static void GroupInitialRebalanceDelay(IntPtr cluster, int delayMs) => Bound.Value.GroupInitialRebalanceDelayMs(cluster, delayMs);

    public static string ErrorText(int err) => Marshal.PtrToStringUTF8(Bound.Value.Err2Str(err)) ?? $"error {err}";

    /// <summary>Finds the librdkafka file mapped into this process: the one Confluent.Kafka loaded.</summary>
    internal static string? FindMapped(IEnumerable<string> mapsLines)
    {
        foreach (var line in mapsLines)
        {
            // "address perms offset dev inode   /path/to/file"
            var slash = line.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0)
            {
                continue;
            }

            var path = line[slash..].Trim();
            var file = System.IO.Path.GetFileName(path);
            if (file.Contains("librdkafka", StringComparison.Ordinal) && file.Contains(".so", StringComparison.Ordinal))
            {
                return path;
            }
        }

        return null;
    }

    private static Exports Bind()
    {
        // Makes Confluent choose and load its native library now, if no client has done so yet.
        Library.Load();
        var path = FindMapped(File.ReadLines("/proc/self/maps"))
            ?? throw new DllNotFoundException("Confluent.Kafka reports librdkafka loaded, but no librdkafka file is mapped into this process.");
        // dlopen of a file already loaded returns the same handle: no second copy of the library.
        return new Exports(path, NativeLibrary.Load(path));
    }

    private static byte[] Utf8Z(string text)
    {
        var bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(text) + 1];
        System.Text.Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }

    /// <summary>The functions of one loaded librdkafka, as unmanaged function pointers.</summary>
    private sealed class Exports(string path, IntPtr handle)
    {
        public string Path { get; } = path;

        public delegate* unmanaged<IntPtr> ConfNew { get; } = (delegate* unmanaged<IntPtr>)Get(handle, "rd_kafka_conf_new");

        public delegate* unmanaged<IntPtr, void> ConfDestroy { get; } = (delegate* unmanaged<IntPtr, void>)Get(handle, "rd_kafka_conf_destroy");

        public delegate* unmanaged<IntPtr, byte*, byte*, byte*, nuint, int> ConfSet { get; } =
            (delegate* unmanaged<IntPtr, byte*, byte*, byte*, nuint, int>)Get(handle, "rd_kafka_conf_set");

        public delegate* unmanaged<int, IntPtr, byte*, nuint, IntPtr> New { get; } =
            (delegate* unmanaged<int, IntPtr, byte*, nuint, IntPtr>)Get(handle, "rd_kafka_new");

        public delegate* unmanaged<IntPtr, void> Destroy { get; } = (delegate* unmanaged<IntPtr, void>)Get(handle, "rd_kafka_destroy");

        public delegate* unmanaged<int, IntPtr> Err2Str { get; } = (delegate* unmanaged<int, IntPtr>)Get(handle, "rd_kafka_err2str");

        public delegate* unmanaged<IntPtr, int, IntPtr> ClusterNew { get; } =
            (delegate* unmanaged<IntPtr, int, IntPtr>)Get(handle, "rd_kafka_mock_cluster_new");

        public delegate* unmanaged<IntPtr, void> ClusterDestroy { get; } =
            (delegate* unmanaged<IntPtr, void>)Get(handle, "rd_kafka_mock_cluster_destroy");

        public delegate* unmanaged<IntPtr, IntPtr> ClusterBootstraps { get; } =
            (delegate* unmanaged<IntPtr, IntPtr>)Get(handle, "rd_kafka_mock_cluster_bootstraps");

        public delegate* unmanaged<IntPtr, byte*, int, int, int> TopicCreate { get; } =
            (delegate* unmanaged<IntPtr, byte*, int, int, int>)Get(handle, "rd_kafka_mock_topic_create");

        public delegate* unmanaged<IntPtr, int, int> BrokerSetDown { get; } =
            (delegate* unmanaged<IntPtr, int, int>)Get(handle, "rd_kafka_mock_broker_set_down");

        public delegate* unmanaged<IntPtr, int, int> BrokerSetUp { get; } =
            (delegate* unmanaged<IntPtr, int, int>)Get(handle, "rd_kafka_mock_broker_set_up");

        public delegate* unmanaged<IntPtr, int, int, int> BrokerSetRtt { get; } =
            (delegate* unmanaged<IntPtr, int, int, int>)Get(handle, "rd_kafka_mock_broker_set_rtt");

        public delegate* unmanaged<IntPtr, byte*, int, int, int> PartitionSetLeader { get; } =
            (delegate* unmanaged<IntPtr, byte*, int, int, int>)Get(handle, "rd_kafka_mock_partition_set_leader");

        public delegate* unmanaged<IntPtr, short, nuint, int*, void> PushRequestErrorsArray { get; } =
            (delegate* unmanaged<IntPtr, short, nuint, int*, void>)Get(handle, "rd_kafka_mock_push_request_errors_array");

        public delegate* unmanaged<IntPtr, short, void> ClearRequestErrors { get; } =
            (delegate* unmanaged<IntPtr, short, void>)Get(handle, "rd_kafka_mock_clear_request_errors");

        public delegate* unmanaged<IntPtr, int, void> GroupInitialRebalanceDelayMs { get; } =
            (delegate* unmanaged<IntPtr, int, void>)Get(handle, "rd_kafka_mock_group_initial_rebalance_delay_ms");

        private static IntPtr Get(IntPtr handle, string name) => NativeLibrary.GetExport(handle, name);
    }
}
