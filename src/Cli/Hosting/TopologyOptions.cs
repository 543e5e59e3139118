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
}
