using StreamRec.Embedder.Features;

namespace StreamRec.Training;

/// <summary>Everything <see cref="EncoderTraining.Run"/> needs besides the data.</summary>
public sealed record EncoderTrainingOptions
{
    public SkipGramOptions SkipGram { get; init; } = new();

    /// <summary>The feature hashing the embedder will use with the model; stored in it.</summary>
    public ItemFeatureHashingOptions Hashing { get; init; } = new();

    /// <summary>
    /// Share of each user's most recent items held out for evaluation. 0 trains on everything (the
    /// production model), and only the neighbour check can be reported.
    /// </summary>
    public double HoldoutFraction { get; init; } = 0.2;

    public EncoderEvaluationOptions Evaluation { get; init; } = new();

    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(SkipGram, nameof(SkipGram));
        ArgumentNullException.ThrowIfNull(Hashing, nameof(Hashing));
        ArgumentNullException.ThrowIfNull(Evaluation, nameof(Evaluation));
        SkipGram.Validate();
        Evaluation.Validate();
        if (!(HoldoutFraction >= 0 && HoldoutFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(HoldoutFraction), HoldoutFraction, "The held-out fraction must be in [0, 1).");
        }
    }
}
