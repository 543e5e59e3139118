using StreamRec.Embedder.Features;
using StreamRec.Training;

namespace StreamRec.UnitTests.Training;

public sealed class SkipGramTrainerTests
{
    private const int Dimension = 8;
    private const float LearningRate = 0.1f;

    // Item 0 uses rows 0 and 1, item 1 rows 2 and 1 (row 1 is a shared feature), items 2 and 3 one row
    // each; row 5 belongs to no item.
    private static readonly ItemFeatureIndex Features = ItemFeatureIndex.FromRows([[0, 1], [2, 1], [3], [4]], vocabularySize: 6);

    private static SkipGramTrainer NewTrainer(ulong seed = 3) =>
        new(Features, new SkipGramOptions { Dimension = Dimension, Negatives = 2, Window = 2, Epochs = 3, Seed = seed });

    [Fact]
    public void First_update_moves_the_context_vectors_by_half_the_step_along_the_centre()
    {
        var trainer = NewTrainer();
        var tableBefore = trainer.Table.ToArray();
        var h = MeanOfRows(trainer, 0);
        var squaredNorm = h.Sum(x => (double)x * x);

        var loss = trainer.Update(0, [1], [2, 3], LearningRate);

        // Context vectors start at zero: every score is 0, sigma(0) = 1/2, each of the three targets
        // costs log 2 and moves by (label - 1/2) * lr * h. The input gradient is a sum of those zero
        // vectors, so the table does not move on this first step.
        Assert.Equal(3 * Math.Log(2), loss, precision: 5);
        Assert.Equal(0.5 * LearningRate * squaredNorm, trainer.Score(0, 1), precision: 6);
        Assert.Equal(-0.5 * LearningRate * squaredNorm, trainer.Score(0, 2), precision: 6);
        Assert.Equal(-0.5 * LearningRate * squaredNorm, trainer.Score(0, 3), precision: 6);
        Assert.Equal(tableBefore, trainer.Table.ToArray());
    }

    [Fact]
    public void Repeated_updates_raise_the_positive_score_and_lower_the_negative_scores()
    {
        var trainer = NewTrainer();
        trainer.Update(0, [1], [2, 3], LearningRate);
        var previous = (Positive: trainer.Score(0, 1), Negative2: trainer.Score(0, 2), Negative3: trainer.Score(0, 3));
        var previousLoss = float.PositiveInfinity;

        for (var round = 0; round < 10; round++)
        {
            var loss = trainer.Update(0, [1], [2, 3], LearningRate);
            var now = (Positive: trainer.Score(0, 1), Negative2: trainer.Score(0, 2), Negative3: trainer.Score(0, 3));

            Assert.True(now.Positive > previous.Positive, $"round {round}: positive score {previous.Positive} -> {now.Positive}");
            Assert.True(now.Negative2 < previous.Negative2, $"round {round}: negative score {previous.Negative2} -> {now.Negative2}");
            Assert.True(now.Negative3 < previous.Negative3, $"round {round}: negative score {previous.Negative3} -> {now.Negative3}");
            Assert.True(loss < previousLoss, $"round {round}: loss {previousLoss} -> {loss}");
            (previous, previousLoss) = (now, loss);
        }
    }

    [Fact]
    public void Input_gradient_is_shared_equally_by_the_centres_feature_rows()
    {
        var trainer = NewTrainer();
        trainer.Update(0, [1], [2, 3], LearningRate); // gives the context vectors a value
        var before = trainer.Table.ToArray();
        var h = MeanOfRows(trainer, 0);
        // After one update from zero, a context vector is (label - 1/2) * lr * h (the test above), so the
        // second update can be worked out from h alone.
        var contexts = new[] { 0.5, -0.5, -0.5 }.Select(scale => h.Select(x => scale * LearningRate * x).ToArray()).ToArray();

        trainer.Update(0, [1], [2, 3], LearningRate);

        // gradient = sum over targets of (label - sigma(h . c)) * lr * c; each of the 2 rows gets half.
        var expected = new double[Dimension];
        float[] labels = [1, 0, 0];
        for (var t = 0; t < 3; t++)
        {
            var score = Dot(h, contexts[t]);
            var step = (labels[t] - (1 / (1 + Math.Exp(-score)))) * LearningRate;
            for (var d = 0; d < Dimension; d++)
            {
                expected[d] += step * contexts[t][d] / 2;
            }
        }

        var after = trainer.Table.ToArray();
        foreach (var row in new[] { 0, 1 })
        {
            for (var d = 0; d < Dimension; d++)
            {
                Assert.Equal(expected[d], after[(row * Dimension) + d] - before[(row * Dimension) + d], precision: 6);
            }
        }

        Assert.Equal(before[(2 * Dimension)..], after[(2 * Dimension)..]); // rows of other items are untouched
    }

    [Fact]
    public void A_negative_that_is_the_context_item_is_skipped()
    {
        var trainer = NewTrainer();
        var squaredNorm = MeanOfRows(trainer, 0).Sum(x => (double)x * x);

        var loss = trainer.Update(0, [1], [1, 1], LearningRate);

        Assert.Equal(Math.Log(2), loss, precision: 5); // the positive alone
        Assert.Equal(0.5 * LearningRate * squaredNorm, trainer.Score(0, 1), precision: 6);
    }

    [Fact]
    public void Update_rejects_a_negative_count_that_does_not_match_the_contexts()
    {
        var trainer = NewTrainer();

        Assert.Throws<ArgumentException>(() => trainer.Update(0, [1, 2], [3, 3], LearningRate));
    }

    [Fact]
    public void Same_seed_gives_an_identical_table_and_a_different_seed_a_different_one()
    {
        var histories = RandomHistories(seed: 11, users: 40, items: Features.ItemCount);

        var first = NewTrainer(seed: 7);
        first.Train(histories);
        var second = NewTrainer(seed: 7);
        second.Train(histories);
        var other = NewTrainer(seed: 8);
        other.Train(histories);

        Assert.Equal(first.Table.ToArray(), second.Table.ToArray());
        Assert.NotEqual(first.Table.ToArray(), other.Table.ToArray());
    }

    [Fact]
    public void Rows_no_item_uses_start_and_stay_zero()
    {
        var trainer = NewTrainer();

        trainer.Train(RandomHistories(seed: 12, users: 20, items: Features.ItemCount));

        Assert.All(trainer.Table.Slice(5 * Dimension, Dimension).ToArray(), value => Assert.Equal(0f, value));
        Assert.Contains(trainer.Table.Slice(0, Dimension).ToArray(), value => value != 0f);
    }

    [Fact]
    public void Embedding_is_the_normalised_mean_of_the_items_rows()
    {
        var trainer = NewTrainer();
        trainer.Train(RandomHistories(seed: 13, users: 20, items: Features.ItemCount));
        var mean = MeanOfRows(trainer, 1);
        var norm = Math.Sqrt(mean.Sum(x => (double)x * x));
        var embedding = new float[Dimension];

        trainer.Embed(1, embedding);

        for (var d = 0; d < Dimension; d++)
        {
            Assert.Equal(mean[d] / norm, embedding[d], precision: 6);
        }

        Assert.Equal(embedding, trainer.EmbedAll()[1].ToArray());
    }

    [Fact]
    public void Model_parameters_carry_the_table_an_identity_projection_and_the_hashing()
    {
        var trainer = NewTrainer();
        var hashing = new ItemFeatureHashingOptions { VocabularySize = 6 };

        var parameters = trainer.ToModelParameters("test-1", hashing);

        Assert.Equal(trainer.Table.ToArray(), parameters.Table.ToArray());
        Assert.Equal((Dimension, Dimension), (parameters.TableDimension, parameters.EmbeddingDimension));
        var projection = parameters.Projection.ToArray();
        for (var i = 0; i < Dimension; i++)
        {
            for (var j = 0; j < Dimension; j++)
            {
                Assert.Equal(i == j ? 1f : 0f, projection[(i * Dimension) + j]);
            }
        }

        Assert.Equal(hashing.ToMetadata(), parameters.HashingParameters);
        Assert.Throws<ArgumentException>(() => trainer.ToModelParameters("test-1", new ItemFeatureHashingOptions()));
    }

    [Fact]
    public void Training_puts_items_of_the_same_audience_next_to_each_other()
    {
        // Two audiences that never share an item, and item vectors that start from nothing but their
        // own id row: any structure in the neighbours comes from the histories.
        const int itemsPerGroup = 10;
        var features = ItemFeatureIndex.FromRows([.. Enumerable.Range(0, 2 * itemsPerGroup).Select(i => new[] { i })], vocabularySize: 2 * itemsPerGroup);
        var random = new Random(5);
        var histories = Enumerable.Range(0, 60)
            .Select(user => new UserHistory(user, [.. Enumerable.Range(0, 8).Select(_ => ((user % 2) * itemsPerGroup) + random.Next(itemsPerGroup))]))
            .ToArray();
        var trainer = new SkipGramTrainer(features, new SkipGramOptions { Dimension = 16, Epochs = 20, Seed = 1 });
        IReadOnlyList<string>?[] groups = [.. Enumerable.Range(0, 2 * itemsPerGroup).Select(i => new[] { i < itemsPerGroup ? "A" : "B" })];

        trainer.Train(histories);
        var agreement = GenreAgreement.Measure(trainer.EmbedAll(), groups, [.. Enumerable.Range(0, 2 * itemsPerGroup)], neighbours: 5);

        // Chance: 2 x C(10, 2) / C(20, 2) = 90/190.
        Assert.Equal(90.0 / 190, agreement.ChanceRate, precision: 10);
        Assert.Equal(1.0, agreement.Rate);
    }

    private static float[] MeanOfRows(SkipGramTrainer trainer, int item)
    {
        var rows = trainer.Features.RowsOf(item).ToArray();
        var table = trainer.Table;
        var mean = new float[Dimension];
        foreach (var row in rows)
        {
            for (var d = 0; d < Dimension; d++)
            {
                mean[d] += table[(row * Dimension) + d] / rows.Length;
            }
        }

        return mean;
    }

    private static double Dot(float[] x, double[] y) => x.Select((value, i) => value * y[i]).Sum();

    private static UserHistory[] RandomHistories(int seed, int users, int items)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, users).Select(user => new UserHistory(user, [.. Enumerable.Range(0, 6).Select(_ => random.Next(items))]))];
    }
}
