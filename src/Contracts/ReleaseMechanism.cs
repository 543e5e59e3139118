namespace StreamRec.Contracts;

/// <summary>The mechanisms of a release and their constants (docs/privacy.md); the strict-mode fields are absent in joint mode.</summary>
public sealed record ReleaseMechanism
{
    /// <summary>"peeling-report-noisy-max/discrete-laplace" (strict) or "joint-billboard-blend" (joint).</summary>
    public required string Selection { get; init; }

    /// <summary>Strict mode: the selection's epsilon.</summary>
    public double? EpsilonSelection { get; init; }

    /// <summary>"discrete-laplace" when scores are published, else null.</summary>
    public string? Scores { get; init; }

    public double? EpsilonScores { get; init; }

    /// <summary>Strict mode: Δ, the sensitivity of one score to one replaced event (2 x a_s x w_max).</summary>
    public double? Sensitivity { get; init; }

    /// <summary>Joint mode: w of the blend (1 - w)(cos + 1)/2 + w p; 0 when no billboard was blended in.</summary>
    public double? PopularityWeight { get; init; }

    /// <summary>The size of the public catalog the selection ranked (items of the catalog topic; exclusions not subtracted): public data only.</summary>
    public required int Candidates { get; init; }
}
