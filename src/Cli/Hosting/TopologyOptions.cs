namespace StreamRec.Cli.Hosting;

/// <summary>
/// How the stages one process hosts are joined (<c>Topology</c> section): through Kafka, each with its own
/// consumer (split), or in process, one consumer for the chain (fused, <see cref="Messaging.Stages.FusedProcessor"/>).
/// </summary>
public sealed class TopologyOptions
{
    public const string SectionName = "Topology";

    public const string Auto = "auto";

    public const string Fused = "fused";

    public const string Split = "split";

    /// <summary>
    /// <c>auto</c> (default): fused when the process hosts all four stages, split otherwise. <c>fused</c>:
    /// the process's stages (at least two, with no gap in pipeline order) consume one topic and hand
    /// records on in process. <c>split</c>: every stage consumes its own topic, as separate processes do.
    /// </summary>
    public string Mode { get; set; } = Auto;

    /// <summary>
    /// In fused mode, also write the clean and embedded topics that the chain hands on in process, for
    /// auditing and debugging (each costs a produce per event). Off by default.
    /// </summary>
    public bool WriteIntermediateTopics { get; set; }

    /// <summary>The most <see cref="Chains"/> one process may run.</summary>
    public const int MaxChains = 64;

    /// <summary>
    /// In fused mode, how many chains the process runs (1 by default), like Kafka Streams' stream threads:
    /// each has its own consumer in the first stage's group and its own stages, so the group spreads the
    /// partitions over the chains, and one chain works while another waits on Redis or the broker. The
    /// catalog loop, the billboard's releases and the encoder are shared. Useful up to about the cores of
    /// the node; chains beyond the input topic's partitions stand by with nothing assigned.
    /// </summary>
    public int Chains { get; set; } = 1;
}
