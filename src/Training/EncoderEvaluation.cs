namespace StreamRec.Training;

/// <summary>Measures a trained encoder against the untrained one and the baselines (<see cref="EncoderQualityReport"/>).</summary>
public static class EncoderEvaluation
{
    /// <param name="trained">The trained encoder's item embeddings.</param>
    /// <param name="untrained">The same encoder's embeddings before training.</param>
    /// <param name="categories">Each catalog item's categories (genres).</param>
    /// <param name="split">What the encoder was trained on and what was held out.</param>
    /// <param name="options">Evaluation settings.</param>
    public static EncoderQualityReport Evaluate(
        ItemVectors trained,
        ItemVectors untrained,
        IReadOnlyList<IReadOnlyList<string>?> categories,
        TimeSplit split,
        EncoderEvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(trained);
        ArgumentNullException.ThrowIfNull(untrained);
        ArgumentNullException.ThrowIfNull(categories);
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var counts = new int[trained.Count];
        foreach (var history in split.Training)
        {
            foreach (var item in history.Items)
            {
                counts[item]++;
            }
        }

        var wellTrained = Enumerable.Range(0, counts.Length).Where(item => counts[item] >= options.NeighbourMinCount).ToArray();
        var neighbours = GenreAgreement.Measure(trained, categories, wellTrained, options.Neighbours);
        var untrainedNeighbours = GenreAgreement.Measure(untrained, categories, wellTrained, options.Neighbours);
        if (!split.HeldOut.Any(history => history.Items.Length > 0))
        {
            return new EncoderQualityReport(neighbours, untrainedNeighbours, null, null, null);
        }

        HitRate Measure(ItemVectors vectors, int minCandidateCount) =>
            HitRate.Measure(vectors, split, options.HitRateK, options.ProfileLength, minCandidateCount);
        return new EncoderQualityReport(
            neighbours,
            untrainedNeighbours,
            Measure(trained, options.MinCandidateCount),
            Measure(trained, 0),
            Measure(untrained, options.MinCandidateCount));
    }
}
