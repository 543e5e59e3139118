namespace StreamRec.Training;

/// <summary>
/// Hyper-parameters of item2vec training (skip-gram with negative sampling over users' histories).
/// The defaults are the ones measured on MovieLens latest-small (docs/encoder.md).
/// </summary>
public sealed record SkipGramOptions
{
    /// <summary>E = D, the width of the table and of the embedding.</summary>
    public int Dimension { get; init; } = 64;

    /// <summary>
    /// Largest distance, in items of one history, between a centre and a context item. Each centre
    /// draws its own window in [1, Window], as word2vec does, so near neighbours are seen more often.
    /// </summary>
    public int Window { get; init; } = 20;

    /// <summary>Negative items drawn per positive pair, from the count^0.75 distribution.</summary>
    public int Negatives { get; init; } = 3;

    public int Epochs { get; init; } = 20;

    /// <summary>Starting SGD step; it falls linearly to <see cref="MinLearningRateFraction"/> of it by the end.</summary>
    public float LearningRate { get; init; } = 0.05f;

    public float MinLearningRateFraction { get; init; } = 1e-4f;

    public ulong Seed { get; init; } = 1;

    /// <exception cref="ArgumentOutOfRangeException">A value outside its range, named.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Dimension, 1, nameof(Dimension));
        ArgumentOutOfRangeException.ThrowIfLessThan(Window, 1, nameof(Window));
        ArgumentOutOfRangeException.ThrowIfLessThan(Negatives, 1, nameof(Negatives));
        ArgumentOutOfRangeException.ThrowIfLessThan(Epochs, 1, nameof(Epochs));
        if (!(LearningRate > 0 && float.IsFinite(LearningRate)))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "The learning rate must be positive.");
        }

        if (!(MinLearningRateFraction is > 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MinLearningRateFraction), MinLearningRateFraction, "Must be in (0, 1].");
        }
    }
}
