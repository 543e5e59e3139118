namespace StreamRec.Evaluation;

/// <summary>Lengths of the two halves of a spliced stream (<see cref="SpliceStreamGenerator"/>).</summary>
public sealed record SpliceOptions
{
    /// <summary>Fewest events of user A before the splice: past the warm-up, so the detector knows A.</summary>
    public int MinPrefix { get; init; } = 50;

    /// <summary>Most events of user A before the splice (the prefix length is drawn in [MinPrefix, min(MaxPrefix, A's length)]).</summary>
    public int MaxPrefix { get; init; } = 300;

    /// <summary>Most events of user B after the splice (B's history from its start).</summary>
    public int MaxSuffix { get; init; } = 300;

    public void Validate()
    {
        if (MinPrefix < 1 || MaxPrefix < MinPrefix || MaxSuffix < 1)
        {
            throw new ArgumentException("Splices: need 1 <= MinPrefix <= MaxPrefix and MaxSuffix >= 1.");
        }
    }
}
