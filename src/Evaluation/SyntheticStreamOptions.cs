namespace StreamRec.Evaluation;

/// <summary>Sizes of the synthetic ground truth (<see cref="SyntheticStreamGenerator"/>).</summary>
public sealed record SyntheticStreamOptions
{
    /// <summary>Users in all (both splits).</summary>
    public int Users { get; init; } = 400;

    public int EventsPerUser { get; init; } = 1000;

    /// <summary>Share of users with switches; the others keep their clusters throughout.</summary>
    public double SwitchingShare { get; init; } = 0.5;

    /// <summary>Clusters a user mixes in one segment (each segment draws its count in this range).</summary>
    public int MinClustersPerUser { get; init; } = 1;

    public int MaxClustersPerUser { get; init; } = 3;

    /// <summary>A switching user has 1 to this many switches.</summary>
    public int MaxSwitches { get; init; } = 3;

    /// <summary>Fewest events between two switches (and before the first, after the last): room for the warm-up and the max delay.</summary>
    public int MinSegment { get; init; } = 100;

    public void Validate(int clusters)
    {
        if (Users < 2 || EventsPerUser < 2 || SwitchingShare is < 0 or > 1 || MinClustersPerUser < 1
            || MaxClustersPerUser < MinClustersPerUser || MaxSwitches < 1 || MinSegment < 1)
        {
            throw new ArgumentException("Synthetic streams: need >= 2 users of >= 2 events, a switching share in [0, 1], 1 <= min clusters <= max clusters, >= 1 switch, segments >= 1.");
        }

        if (SwitchingShare > 0 && EventsPerUser < 2 * MinSegment)
        {
            throw new ArgumentException($"Synthetic streams: {EventsPerUser} events per user leave no room for a switch between segments of at least {MinSegment}.");
        }

        if (clusters < MaxClustersPerUser * (MaxSwitches + 1))
        {
            throw new ArgumentException($"Synthetic streams: {clusters} clusters are too few for {MaxSwitches + 1} segments of up to {MaxClustersPerUser} clusters never used before.");
        }
    }
}
