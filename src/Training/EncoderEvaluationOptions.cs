namespace StreamRec.Training;

/// <summary>Settings of <see cref="EncoderEvaluation"/>; docs/encoder.md says why each value.</summary>
public sealed record EncoderEvaluationOptions
{
    /// <summary>k of the neighbour check.</summary>
    public int Neighbours { get; init; } = 10;

    /// <summary>
    /// Training interactions an item needs to be in the neighbour check: below that its vector is
    /// mostly its shared feature rows, and the check would measure the features, not the training.
    /// </summary>
    public int NeighbourMinCount { get; init; } = 20;

    /// <summary>k of hit-rate@k.</summary>
    public int HitRateK { get; init; } = 10;

    /// <summary>Most recent training items averaged into a user's profile.</summary>
    public int ProfileLength { get; init; } = 10;

    /// <summary>
    /// Training interactions an item needs to be recommended at all (word2vec's default min_count);
    /// the whole catalog is measured as well and reported next to it.
    /// </summary>
    public int MinCandidateCount { get; init; } = 5;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Neighbours, 1, nameof(Neighbours));
        ArgumentOutOfRangeException.ThrowIfLessThan(NeighbourMinCount, 1, nameof(NeighbourMinCount));
        ArgumentOutOfRangeException.ThrowIfLessThan(HitRateK, 1, nameof(HitRateK));
        ArgumentOutOfRangeException.ThrowIfLessThan(ProfileLength, 1, nameof(ProfileLength));
        ArgumentOutOfRangeException.ThrowIfNegative(MinCandidateCount, nameof(MinCandidateCount));
    }
}
