using System.Globalization;
using StreamRec.Embedder;
using StreamRec.Embedder.Embedding;
using StreamRec.Embedder.Features;
using StreamRec.IntegrationTests.Onnx;
using StreamRec.Training;
using Xunit.Abstractions;

namespace StreamRec.IntegrationTests.Training;

/// <summary>
/// The default encoder, trained with the default settings on MovieLens latest-small, against the
/// quality bar of issue 3. The thresholds were set after measuring (seed 1, the default: neighbours
/// 0.976 vs chance 0.552; hit-rate@10 next item 0.104 vs popularity 0.048, any held-out item 0.474 vs
/// 0.367; seeds 2 and 3 within 0.011 of these). Each threshold sits about two standard errors below the
/// measured value and well above the baseline, so that it holds for other seeds and small changes of
/// method but fails if the model falls back towards the baseline.
/// Training takes about 6 s in a Release build and 45 s in a Debug one on a 2-core machine.
/// </summary>
public sealed class MovieLensEncoderTests(MovieLensEncoderFixture encoder, ITestOutputHelper output) : IClassFixture<MovieLensEncoderFixture>
{
    private EncoderQualityReport Quality => encoder.Result.Quality;

    [Fact]
    public void Nearest_neighbours_share_a_genre_well_above_chance()
    {
        var neighbours = Quality.Neighbours;
        output.WriteLine($"training and evaluation {encoder.TrainingAndEvaluationTime.TotalSeconds:0.0} s; {neighbours}; untrained {Quality.UntrainedNeighbours.Rate:0.000}");

        // Genres are features of the item, so the untrained encoder already scores about 0.98: this is a
        // check that training, which pulls co-watched films together whatever their genres, keeps the
        // neighbourhoods sensible. 1.5 x chance (0.83) is the "well above chance" with room for
        // that pull; every neighbour sharing a genre would be 1 / 0.552 = 1.81 x.
        Assert.True(neighbours.Items >= 1_000, $"only {neighbours.Items} items have {encoder.Options.Evaluation.NeighbourMinCount} training ratings");
        Assert.True(neighbours.Rate >= 1.5 * neighbours.ChanceRate, $"neighbours share a genre at {neighbours.Rate:0.000}, chance is {neighbours.ChanceRate:0.000}");
    }

    [Fact]
    public void Next_item_hit_rate_at_10_beats_popularity()
    {
        var hits = Assert.IsType<HitRate>(Quality.NextItem);
        output.WriteLine($"{hits}");
        output.WriteLine($"whole catalog: {Quality.NextItemAllCatalog}");

        // The candidates are the films with at least 5 training ratings (EncoderEvaluationOptions,
        // README "Encoder model"). Over the whole catalog (printed above, not asserted) the encoder beats
        // popularity on the next item, 0.070 vs 0.048, but not on any held-out item, 0.316 vs 0.367:
        // rarely rated films, whose vectors are mostly their genre and decade rows, crowd its top 10.
        Assert.Equal(5, hits.MinCandidateCount);
        Assert.Equal(671, hits.Users); // every user holds out at least 4 of their 20 or more ratings
        Assert.Equal(10, hits.K);

        // Standard errors of the paired encoder - popularity difference over these 671 users, from the
        // users only one of the two hits (seed 1): 0.015 for the next item, 0.026 for any held-out item.
        // Next (first held-out) item: measured 0.104 vs 0.048, a difference of 0.057; 1.5 x popularity
        // asks for 0.024, which is 2.2 standard errors below the measurement and 1.6 above zero.
        Assert.True(hits.ModelNext >= 1.5 * hits.PopularityNext, $"next item: encoder {hits.ModelNext:0.000}, popularity {hits.PopularityNext:0.000}");

        // Any held-out item: measured 0.474 vs 0.367, +0.107; +0.05 is 2.2 standard errors below that and
        // 1.9 above zero.
        Assert.True(hits.ModelAny >= hits.PopularityAny + 0.05, $"any held-out item: encoder {hits.ModelAny:0.000}, popularity {hits.PopularityAny:0.000}");
    }

    [Fact]
    public void Training_adds_far_more_than_the_item_features_alone()
    {
        var trained = Assert.IsType<HitRate>(Quality.NextItem);
        var untrained = Assert.IsType<HitRate>(Quality.UntrainedNextItem);
        output.WriteLine($"any held-out item in the top 10: trained {trained.ModelAny:0.000}, untrained {untrained.ModelAny:0.000}");

        // Measured 0.474 against 0.207 (seeds 2 and 3: 0.471 vs 0.180, 0.483 vs 0.241): the features alone
        // find the genre, training finds the audience.
        Assert.True(trained.ModelAny >= untrained.ModelAny + 0.15, $"trained {trained.ModelAny:0.000}, untrained {untrained.ModelAny:0.000}");
    }

    [Fact]
    public void Exported_model_run_by_onnx_runtime_equals_the_trainers_vectors_within_1e_5()
    {
        var items = encoder.Corpus.Items;

        // The exporter's own check, on 512 items spread over the catalog ...
        var check = EncoderExport.Verify(encoder.ModelPath, encoder.Result.Trainer, items, encoder.Version, sampleSize: 512);
        output.WriteLine($"{check}");
        Assert.Equal(512, check.Items);
        Assert.InRange(check.MaxDifference, 0f, 1e-5f);

        // ... and an independent one: ids hashed here, the encoder computed in double precision from the
        // exported weights (EncoderReference), for the first 64 movies.
        using var session = EncoderSession.Open(encoder.ModelPath);
        var hasher = new ItemFeatureHasher(encoder.Options.Hashing);
        var parameters = encoder.Result.Trainer.ToModelParameters(encoder.Version, encoder.Options.Hashing);
        const int batch = 64;
        var seq = hasher.Options.MaxFeatures;
        var ids = new long[batch * seq];
        var mask = new float[batch * seq];
        for (var i = 0; i < batch; i++)
        {
            hasher.Write(items[i], ids.AsSpan(i * seq, seq), mask.AsSpan(i * seq, seq));
        }

        var actual = session.Run(ids, mask, batch, seq);
        var expected = EncoderReference.Encode(parameters, ids, mask, batch, seq);
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5, $"element {i}: reference {expected[i]}, ONNX Runtime {actual[i]}");
        }
    }

    [Fact]
    public void Model_metadata_holds_version_hashing_training_settings_and_quality()
    {
        using var session = EncoderSession.Open(encoder.ModelPath);
        var metadata = session.CustomMetadata;

        Assert.Equal(encoder.Version, metadata[EncoderModelMetadata.ModelVersion]);
        Assert.Matches("^item2vec-[0-9a-f]{12}$", encoder.Version);
        Assert.Equal("64", metadata[EncoderModelMetadata.EmbeddingDimension]);
        foreach (var (key, value) in encoder.Options.Hashing.ToMetadata())
        {
            Assert.Equal(value, metadata[EncoderModelMetadata.HashingPrefix + key]);
        }

        foreach (var (key, value) in Quality.ToMetadata())
        {
            Assert.Equal(value, metadata[key]);
        }

        Assert.Equal(encoder.Options.SkipGram.Epochs.ToString(CultureInfo.InvariantCulture), metadata[EncoderExport.TrainingPrefix + "epochs"]);
        Assert.Equal("0.2", metadata[EncoderExport.TrainingPrefix + "holdout_fraction"]);
    }
}
