namespace StreamRec.Training;

/// <summary>A snapshot of <see cref="SkipGramTrainer.Train"/>, for progress output.</summary>
/// <param name="Epoch">1-based epoch being trained.</param>
/// <param name="Epochs">Epochs in all.</param>
/// <param name="Positions">History positions visited so far, over all epochs.</param>
/// <param name="TotalPositions">Positions of all epochs.</param>
/// <param name="Pairs">(centre, context) pairs trained so far.</param>
/// <param name="Loss">Mean negative-sampling loss per pair since the previous report.</param>
/// <param name="LearningRate">The current SGD step.</param>
/// <param name="Elapsed">Training time so far.</param>
public readonly record struct SkipGramProgress(
    int Epoch,
    int Epochs,
    long Positions,
    long TotalPositions,
    long Pairs,
    double Loss,
    float LearningRate,
    TimeSpan Elapsed);
