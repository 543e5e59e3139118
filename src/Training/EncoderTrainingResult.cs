namespace StreamRec.Training;

/// <summary>A trained encoder with what it was trained on and how good it is.</summary>
/// <param name="Trainer">The trained model (its table is the encoder's).</param>
/// <param name="Split">The training part and the held-out part of each user's history.</param>
/// <param name="Training">Pairs, final loss and time of the training itself.</param>
/// <param name="Quality">The evaluation on the held-out part.</param>
public sealed record EncoderTrainingResult(
    SkipGramTrainer Trainer,
    TimeSplit Split,
    SkipGramProgress Training,
    EncoderQualityReport Quality)
{
    public int TrainingInteractions => Split.Training.Sum(history => history.Items.Length);
}
