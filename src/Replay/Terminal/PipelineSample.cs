namespace StreamRec.Replay.Terminal;

/// <summary>
/// The demo's pipeline at one moment, from the replay's delivery count and the stages' counters: what
/// the progress line shows and the report plots over the run.
/// </summary>
/// <param name="Elapsed">Since the replay started.</param>
/// <param name="Replayed">Records the broker acknowledged on the raw topic.</param>
/// <param name="Handled">Records fully handled through the drift stage, or dead-lettered before it.</param>
/// <param name="IngestBacklog">Raw records Ingest has not consumed yet.</param>
/// <param name="EmbedBacklog">Clean records the Embedder has not consumed yet.</param>
/// <param name="DriftBacklog">Embedded records the DriftDetector has not consumed yet.</param>
/// <param name="Mutations">Interest mutations flagged.</param>
/// <param name="Recommendations">Private releases published.</param>
/// <param name="Epsilon">Epsilon charged to the users' ledgers, summed over users.</param>
public sealed record PipelineSample(
    TimeSpan Elapsed,
    long Replayed,
    long Handled,
    long IngestBacklog,
    long EmbedBacklog,
    long DriftBacklog,
    long Mutations,
    long Recommendations,
    double Epsilon)
{
    /// <summary>Records produced to the raw topic and not yet handled through the drift stage.</summary>
    public long Lag => Replayed - Handled;
}
