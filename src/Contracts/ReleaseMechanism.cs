namespace StreamRec.Contracts;

/// <summary>The mechanisms of a release and their constants (docs/privacy.md).</summary>
public sealed record ReleaseMechanism
{
    /// <summary>E.g. "peeling-report-noisy-max/discrete-laplace".</summary>
    public required string Selection { get; init; }

    public required double EpsilonSelection { get; init; }

    /// <summary>"discrete-laplace" when scores are published, else null.</summary>
    public string? Scores { get; init; }

    public double? EpsilonScores { get; init; }

    /// <summary>Δ: the sensitivity of one score to one replaced event (2 x a_s x w_max).</summary>
    public required double Sensitivity { get; init; }

    /// <summary>The size of the public catalog the selection ranked (items of the catalog topic; exclusions not subtracted): public data only.</summary>
    public required int Candidates { get; init; }
}
