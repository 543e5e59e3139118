using StreamRec.Embedder.Features;
using StreamRec.Training;

namespace StreamRec.IntegrationTests.Training;

/// <summary>The exporter's check against ONNX Runtime, on a tiny catalog.</summary>
public sealed class EncoderExportTests : IDisposable
{
    private static readonly ItemAttributes[] Items =
    [
        new("1", "Heat (1995)", ["Crime", "Action"]),
        new("2", "Casino (1995)", ["Crime", "Drama"]),
        new("3", "Toy Story (1995)", ["Animation", "Children"]),
        new("4", "Up (2009)", ["Animation", "Adventure"]),
    ];

    private readonly string _directory = Directory.CreateTempSubdirectory("streamrec-export-").FullName;

    [Fact]
    public void Verify_fails_loudly_when_the_file_does_not_match_the_trainer()
    {
        var options = new EncoderTrainingOptions
        {
            Hashing = new ItemFeatureHashingOptions { VocabularySize = 256, MaxFeatures = 8 },
            SkipGram = new SkipGramOptions { Dimension = 8, Epochs = 5, Window = 2, Negatives = 1 },
            HoldoutFraction = 0,
            Evaluation = new EncoderEvaluationOptions { NeighbourMinCount = 1, Neighbours = 1 },
        };
        var corpus = TrainingCorpus.Create(Items, [new(1, 0, 1), new(1, 1, 2), new(2, 2, 1), new(2, 3, 2), new(3, 0, 1), new(3, 1, 2)]);
        var result = EncoderTraining.Run(corpus, options);
        var path = Path.Combine(_directory, "encoder.onnx");
        EncoderExport.Write(result, options, "test-1", path);

        var check = EncoderExport.Verify(path, result.Trainer, Items, "test-1");
        Assert.Equal(Items.Length, check.Items);
        Assert.Throws<InvalidDataException>(() => EncoderExport.Verify(path, result.Trainer, Items, "test-2"));

        result.Trainer.Update(0, [1], [2], learningRate: 1f); // the trainer moves on, the file does not
        var error = Assert.Throws<InvalidDataException>(() => EncoderExport.Verify(path, result.Trainer, Items, "test-1"));
        Assert.Contains("does not encode like the trainer", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
