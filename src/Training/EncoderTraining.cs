using StreamRec.Embedder.Features;

namespace StreamRec.Training;

/// <summary>
/// The whole of <c>streamrec train-encoder</c> short of reading data and writing files: split each
/// user's history by time, train item2vec on the older part, and evaluate on the newer part. Pure
/// computation, deterministic for a given corpus and options.
/// </summary>
public static class EncoderTraining
{
    public static EncoderTrainingResult Run(
        TrainingCorpus corpus,
        EncoderTrainingOptions options,
        Action<SkipGramProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var features = ItemFeatureIndex.Create(corpus.Items, new ItemFeatureHasher(options.Hashing));
        var split = TimeSplit.Create(corpus.Histories, options.HoldoutFraction);
        var trainer = new SkipGramTrainer(features, options.SkipGram);
        var untrained = trainer.EmbedAll();
        var training = trainer.Train(split.Training, progress, cancellationToken);
        var categories = corpus.Items.Select(item => item.Categories).ToArray();
        var quality = EncoderEvaluation.Evaluate(trainer.EmbedAll(), untrained, categories, split, options.Evaluation);
        return new EncoderTrainingResult(trainer, split, training, quality);
    }
}
