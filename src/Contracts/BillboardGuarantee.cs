namespace StreamRec.Contracts;

/// <summary>
/// The user-level differential privacy guarantee of the billboard (the per-cluster item counts released
/// from the stream; docs/privacy.md, "Joint mode"): removing all of one user's events within one
/// window changes the distribution of every release of that window by at most a factor e^epsilon.
/// Carried by every billboard record and by every joint-mode recommendation.
/// </summary>
public sealed record BillboardGuarantee
{
    /// <summary>"user-level pure DP per window".</summary>
    public required string Notion { get; init; }

    /// <summary>Epsilon of all of one window's releases together.</summary>
    public required double EpsilonPerWindow { get; init; }

    /// <summary>0 for the pure (discrete Laplace) mechanism.</summary>
    public double Delta { get; init; }

    /// <summary>The window the guarantee is per, in seconds (86,400 by default: one day).</summary>
    public required long WindowSeconds { get; init; }

    /// <summary>L: the most distinct items one user is counted for in one window.</summary>
    public required int MaxItemsPerUser { get; init; }

    /// <summary>Releases per window (the binary tree's horizon T).</summary>
    public required int ReleasesPerWindow { get; init; }

    /// <summary>Levels of the binary tree: each count enters this many nodes.</summary>
    public required int Levels { get; init; }

    /// <summary>Scale of the discrete Laplace noise of every node, in counts: ceil(L x levels / epsilon).</summary>
    public required long NodeScale { get; init; }

    /// <summary>The mechanism's name, e.g. "binary-tree-discrete-laplace".</summary>
    public required string Mechanism { get; init; }
}
