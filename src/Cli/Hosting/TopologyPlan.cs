namespace StreamRec.Cli.Hosting;

/// <summary>
/// Which of a process's stages run fused (one consumer, records handed on in process) and which run split
/// (each its own consumer), from <see cref="TopologyOptions.Mode"/> and the stages chosen.
/// </summary>
public sealed record TopologyPlan(StageSelection Fused, bool WriteIntermediateTopics, int Chains = 1)
{
    private static readonly StageSelection None = new(false, false, false, false);

    /// <summary>Whether any stages are fused (always two or more).</summary>
    public bool IsFused => Fused != None;

    /// <summary>
    /// The plan for <paramref name="stages"/> under <paramref name="options"/>; an error naming
    /// <c>Topology:Mode</c> when fusing is asked for stages that cannot be fused.
    /// </summary>
    public static TopologyPlan For(TopologyOptions options, StageSelection stages, out string? error)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stages);
        error = null;
        var chosen = new[] { stages.Ingest, stages.Embed, stages.Drift, stages.Recommend };
        var count = chosen.Count(c => c);
        var fuse = options.Mode.ToLowerInvariant() switch
        {
            TopologyOptions.Auto => count == 4,
            TopologyOptions.Fused => count >= 2,
            _ => false, // split, or a value the validator reports
        };
        if (fuse && Array.IndexOf(chosen, true) + count - 1 != Array.LastIndexOf(chosen, true))
        {
            error = $"{TopologyOptions.SectionName}:{nameof(TopologyOptions.Mode)}: '{TopologyOptions.Fused}' needs stages with no gap in pipeline order "
                + $"({string.Join(" -> ", StageSelection.Names)}), so that each hands its records to the next; --stages {stages} leaves one. "
                + $"Add the missing stage, or set {TopologyOptions.SectionName}:{nameof(TopologyOptions.Mode)}={TopologyOptions.Split}.";
            fuse = false;
        }

        return new TopologyPlan(fuse ? stages : None, options.WriteIntermediateTopics, fuse ? options.Chains : 1);
    }
}
