using System.Diagnostics;
using StreamRec.Cli.Commands;
using StreamRec.Datasets;
using StreamRec.Training;

namespace StreamRec.IntegrationTests.Training;

/// <summary>
/// The default encoder trained once, with the default settings, on the real MovieLens data (each
/// user's last 20% held out) and written to a temporary ONNX file, shared by the tests of
/// <see cref="MovieLensEncoderTests"/>. Missing data makes every one of them fail, never skip.
/// </summary>
public sealed class MovieLensEncoderFixture : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("streamrec-encoder-").FullName;

    public MovieLensEncoderFixture()
    {
        Corpus = TrainEncoderCommand.CorpusFrom(MovieLensDataset.LoadDefault());
        var clock = Stopwatch.StartNew();
        Result = EncoderTraining.Run(Corpus, Options);
        TrainingAndEvaluationTime = clock.Elapsed;
        Version = EncoderExport.DefaultVersion(Result.Trainer, Options.Hashing);
        ModelPath = Path.Combine(_directory, "encoder.onnx");
        EncoderExport.Write(Result, Options, Version, ModelPath);
    }

    public EncoderTrainingOptions Options { get; } = new();

    public TrainingCorpus Corpus { get; }

    public EncoderTrainingResult Result { get; }

    public TimeSpan TrainingAndEvaluationTime { get; }

    public string Version { get; }

    public string ModelPath { get; }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
