using System.Diagnostics;
using StreamRec.Contracts;
using StreamRec.Embedder.Features;

namespace StreamRec.Training;

/// <summary>
/// item2vec (Barkan and Koenigstein 2016): word2vec's skip-gram with negative sampling, where a
/// "sentence" is one user's history in time order and a "word" is an item. The input side of the
/// model is not one vector per item but the mean of the item's feature rows (item id, genres, decade,
/// title words), as in fastText; that mean is exactly what the ONNX encoder computes, so the trained
/// table is the model. The output ("context") side keeps one vector per item and is discarded after
/// training.
/// <para>
/// Single-threaded on purpose: word2vec's lock-free parallel updates race, and "same seed, same model"
/// is worth more here than the seconds they would save on 100,000 ratings.
/// </para>
/// </summary>
public sealed class SkipGramTrainer
{
    // Rows' starting scale, as word2vec: small enough that the first updates, not the noise, decide
    // where an item goes.
    private const float InitialScale = 0.5f;

    // Bound on |score| before the exponential (e^30 is about 1e13, far from float's overflow).
    private const float MaxScore = 30f;

    // How many history positions pass between two progress reports.
    private const int ReportInterval = 1 << 13;

    private readonly ItemFeatureIndex _features;
    private readonly SkipGramOptions _options;
    private readonly float[] _table;
    private readonly float[] _contextVectors;
    private readonly float[] _hidden;
    private readonly float[] _gradient;
    private SplitMix64 _random;

    /// <summary>
    /// A model before training. Rows that some catalog item uses start small and random; every other
    /// row starts, and stays, zero. That matters at run time: an item the model never saw has an
    /// untrained id row, and a zero row only shrinks the mean without turning it, so after the L2
    /// normalisation the item's embedding is decided by the features it shares with trained items
    /// (genres, decade, title words). A hash collision can still land it on a trained row.
    /// </summary>
    public SkipGramTrainer(ItemFeatureIndex features, SkipGramOptions options)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _features = features;
        _options = options;
        _random = new SplitMix64(options.Seed);
        var dimension = options.Dimension;
        _table = new float[(long)features.VocabularySize * dimension];
        _contextVectors = new float[(long)features.ItemCount * dimension];
        _hidden = new float[dimension];
        _gradient = new float[dimension];

        var used = new bool[features.VocabularySize];
        for (var item = 0; item < features.ItemCount; item++)
        {
            foreach (var row in features.RowsOf(item))
            {
                used[row] = true;
            }
        }

        var scale = InitialScale / dimension;
        for (var row = 0; row < used.Length; row++)
        {
            if (used[row])
            {
                foreach (ref var value in TableRow(row))
                {
                    value = ((2 * _random.NextFloat()) - 1) * scale;
                }
            }
        }
    }

    public SkipGramOptions Options => _options;

    public ItemFeatureIndex Features => _features;

    public int Dimension => _options.Dimension;

    /// <summary>The input side, row-major V x E: the encoder's embedding table.</summary>
    public ReadOnlySpan<float> Table => _table;

    /// <summary>Trains <see cref="SkipGramOptions.Epochs"/> passes over <paramref name="histories"/>.</summary>
    /// <param name="histories">Users' histories, oldest first (the training part of a split).</param>
    /// <param name="progress">Called every few thousand positions and at the end of each epoch.</param>
    /// <param name="cancellationToken">Checked between reports.</param>
    /// <returns>The pairs trained and the mean loss of the last epoch.</returns>
    public SkipGramProgress Train(IReadOnlyList<UserHistory> histories, Action<SkipGramProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(histories);
        var clock = Stopwatch.StartNew();
        var counts = new int[_features.ItemCount];
        long positionsPerEpoch = 0;
        foreach (var history in histories)
        {
            foreach (var item in history.Items)
            {
                if ((uint)item >= (uint)counts.Length)
                {
                    throw new ArgumentException($"User {history.UserId} has item {item}; the catalog has {counts.Length} items.", nameof(histories));
                }

                counts[item]++;
            }

            positionsPerEpoch += history.Items.Length;
        }

        var sampler = new UnigramSampler(counts);
        var totalPositions = positionsPerEpoch * _options.Epochs;
        var order = new int[histories.Count];
        var contexts = new int[2 * _options.Window];
        var negatives = new int[2 * _options.Window * _options.Negatives];
        long positions = 0, pairs = 0, lastReport = 0, reportPairs = 0, epochPairs = 0;
        double reportLoss = 0, epochLoss = 0;
        var learningRate = _options.LearningRate;
        for (var epoch = 1; epoch <= _options.Epochs; epoch++)
        {
            for (var u = 0; u < order.Length; u++)
            {
                order[u] = u;
            }

            Shuffle(order);
            (epochLoss, epochPairs) = (0, 0);
            foreach (var u in order)
            {
                var items = histories[u].Items;

                // Decays once per history: the longest MovieLens history is 2.4% of an epoch.
                learningRate = _options.LearningRate * Math.Max(_options.MinLearningRateFraction, 1f - ((float)positions / totalPositions));
                for (var i = 0; i < items.Length; i++)
                {
                    var reach = 1 + _random.NextInt(_options.Window);
                    var count = 0;
                    for (int j = Math.Max(0, i - reach), last = Math.Min(items.Length - 1, i + reach); j <= last; j++)
                    {
                        if (j != i && items[j] != items[i])
                        {
                            contexts[count++] = items[j];
                        }
                    }

                    if (count == 0)
                    {
                        continue;
                    }

                    var drawn = negatives.AsSpan(0, count * _options.Negatives);
                    foreach (ref var negative in drawn)
                    {
                        negative = sampler.Next(ref _random);
                    }

                    var loss = Update(items[i], contexts.AsSpan(0, count), drawn, learningRate);
                    (reportLoss, epochLoss) = (reportLoss + loss, epochLoss + loss);
                    (reportPairs, epochPairs, pairs) = (reportPairs + count, epochPairs + count, pairs + count);
                }

                positions += items.Length;
                if (positions - lastReport >= ReportInterval)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    progress?.Invoke(new SkipGramProgress(epoch, _options.Epochs, positions, totalPositions, pairs, reportLoss / Math.Max(reportPairs, 1), learningRate, clock.Elapsed));
                    (lastReport, reportLoss, reportPairs) = (positions, 0, 0);
                }
            }

            progress?.Invoke(new SkipGramProgress(epoch, _options.Epochs, positions, totalPositions, pairs, epochLoss / Math.Max(epochPairs, 1), learningRate, clock.Elapsed));
        }

        return new SkipGramProgress(_options.Epochs, _options.Epochs, positions, totalPositions, pairs, epochLoss / Math.Max(epochPairs, 1), learningRate, clock.Elapsed);
    }

    /// <summary>
    /// One SGD step of skip-gram with negative sampling for a centre item and the context items of its
    /// window: for each context item, pushes sigma(h . c_context) towards 1 and sigma(h . c_negative)
    /// towards 0 for its <see cref="SkipGramOptions.Negatives"/> negatives, where h is the mean of the
    /// centre's feature rows and c the items' context vectors. The gradient with respect to h is summed
    /// over the window and then shared equally by the centre's rows (each gets gradient / rows, the
    /// derivative of the mean): h is computed once per window instead of once per pair, which halves
    /// the cost of an epoch. A negative that happens to be its context item is skipped, as in word2vec.
    /// </summary>
    /// <param name="center">The centre item, whose feature rows are updated.</param>
    /// <param name="contexts">Items seen near it in a history.</param>
    /// <param name="negatives">Negatives of contexts[0], then of contexts[1], ...: Negatives per context.</param>
    /// <param name="learningRate">The SGD step.</param>
    /// <returns>The loss before the step: sum over pairs of -log sigma(h . c_context) - sum log sigma(-h . c_negative).</returns>
    public float Update(int center, ReadOnlySpan<int> contexts, ReadOnlySpan<int> negatives, float learningRate)
    {
        if (negatives.Length != contexts.Length * _options.Negatives)
        {
            throw new ArgumentException($"{contexts.Length} contexts need {contexts.Length * _options.Negatives} negatives, not {negatives.Length}.", nameof(negatives));
        }

        var rows = _features.RowsOf(center);
        var hidden = _hidden.AsSpan();
        var gradient = _gradient.AsSpan();
        Mean(rows, hidden);
        gradient.Clear();
        var loss = 0f;
        for (var c = 0; c < contexts.Length; c++)
        {
            var context = contexts[c];
            loss += Step(hidden, gradient, context, label: 1, learningRate);
            foreach (var negative in negatives.Slice(c * _options.Negatives, _options.Negatives))
            {
                if (negative != context)
                {
                    loss += Step(hidden, gradient, negative, label: 0, learningRate);
                }
            }
        }

        var share = 1f / rows.Length;
        foreach (var row in rows)
        {
            VectorMath.AddScaled(TableRow(row), share, gradient);
        }

        return loss;
    }

    /// <summary>The model's raw score for a pair, h(centre) . c(context), before the sigmoid.</summary>
    public float Score(int center, int context)
    {
        var hidden = new float[Dimension];
        Mean(_features.RowsOf(center), hidden);
        return VectorMath.Dot(hidden, ContextRow(context));
    }

    /// <summary>
    /// What the exported encoder outputs for <paramref name="item"/>: the L2-normalised mean of its
    /// feature rows (the projection is the identity).
    /// </summary>
    public void Embed(int item, Span<float> destination)
    {
        if (destination.Length != Dimension)
        {
            throw new ArgumentException($"The destination must have length {Dimension}.", nameof(destination));
        }

        Mean(_features.RowsOf(item), destination);
        VectorMath.Normalize(destination);
    }

    /// <summary>Every catalog item's embedding, as the exported encoder would give it.</summary>
    public ItemVectors EmbedAll()
    {
        var values = new float[(long)_features.ItemCount * Dimension];
        for (var item = 0; item < _features.ItemCount; item++)
        {
            Embed(item, values.AsSpan(item * Dimension, Dimension));
        }

        return new ItemVectors(values, Dimension);
    }

    /// <summary>
    /// The trained encoder as model parameters: a copy of the table and an identity projection, so the
    /// model outputs the normalised mean itself (E = D). A learned projection would add nothing the
    /// table cannot represent; the graph keeps the MatMul so a replacement model may use one.
    /// </summary>
    public EncoderModelParameters ToModelParameters(string modelVersion, ItemFeatureHashingOptions hashing)
    {
        ArgumentNullException.ThrowIfNull(hashing);
        if (hashing.VocabularySize != _features.VocabularySize)
        {
            throw new ArgumentException($"The hashing has V = {hashing.VocabularySize}, the trained table {_features.VocabularySize} rows.", nameof(hashing));
        }

        var projection = new float[Dimension * Dimension];
        for (var i = 0; i < Dimension; i++)
        {
            projection[(i * Dimension) + i] = 1f;
        }

        return new EncoderModelParameters(
            (float[])_table.Clone(), projection, _features.VocabularySize, Dimension, Dimension, modelVersion, hashing.ToMetadata());
    }

    private Span<float> TableRow(int row) => _table.AsSpan(row * Dimension, Dimension);

    private Span<float> ContextRow(int item) => _contextVectors.AsSpan(item * Dimension, Dimension);

    // Sum, then divide: the order of operations of the ONNX graph (ReduceSum, then Div by the mask total).
    private void Mean(ReadOnlySpan<int> rows, Span<float> destination)
    {
        destination.Clear();
        foreach (var row in rows)
        {
            VectorMath.AddScaled(destination, 1f, TableRow(row));
        }

        VectorMath.Divide(destination, rows.Length);
    }

    private float Step(ReadOnlySpan<float> hidden, Span<float> gradient, int target, float label, float learningRate)
    {
        var output = ContextRow(target);
        var score = VectorMath.Dot(hidden, output);

        // sigma(s) = 1 / (1 + e^-s), and from the same exponential the loss: -log sigma(s) = log(1 + e^-s)
        // for the positive, -log sigma(-s) = log(1 + e^-s) + s for a negative. The clamp keeps e^-s
        // finite; beyond it sigma is 0 or 1 in float anyway.
        var clamped = Math.Clamp(score, -MaxScore, MaxScore);
        var exponential = MathF.Exp(-clamped);
        var step = (label - (1f / (1f + exponential))) * learningRate;
        VectorMath.CrossUpdate(gradient, output, hidden, step);
        return MathF.Log(1f + exponential) + (label > 0 ? 0f : clamped);
    }

    private void Shuffle(int[] values)
    {
        for (var i = values.Length - 1; i > 0; i--)
        {
            var j = _random.NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }
}
