using StreamRec.Datasets;

namespace StreamRec.Benchmarks.Recommender;

/// <summary>The MovieLens directory and encoder model the offline recommender measurements read, and their options.</summary>
internal static class MovieLensInputs
{
    public const string ModelOption = "--model PATH      encoder ONNX file (default data/models/encoder.onnx next to the data set)";

    public const string DataOption = "--data DIR        MovieLens directory (default: the repository's data/ml-latest-small)";

    /// <summary>The <c>--data</c> directory and the <c>--model</c> file, defaulting to data/models/encoder.onnx beside the data set.</summary>
    public static (string DataDirectory, string ModelPath) Paths(BenchmarkArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var dataDirectory = arguments.GetString("data") ?? MovieLensDirectory.Resolve();
        var modelPath = arguments.GetString("model")
            ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(dataDirectory))!, "models", "encoder.onnx");
        return (dataDirectory, modelPath);
    }

    /// <exception cref="UsageException">There is no model file, with the command that makes one.</exception>
    public static void RequireModel(string modelPath)
    {
        if (!File.Exists(modelPath))
        {
            throw new UsageException($"No encoder at {modelPath}: train one with `streamrec train-encoder --holdout 0 --model {modelPath}` or pass --model.");
        }
    }

    /// <summary>
    /// The data set, each film's embedding by the model (as the embedder gives it) and each film id's row,
    /// with a progress line on stderr naming <paramref name="benchmark"/>.
    /// </summary>
    public static (MovieLensDataset Dataset, float[] Embeddings, int Dimension, string ModelVersion, Dictionary<int, int> MovieIndex) Load(
        string benchmark, string dataDirectory, string modelPath)
    {
        var dataset = MovieLensDataset.Load(dataDirectory);
        Console.Error.WriteLine($"{benchmark}: embedding {dataset.Movies.Length:N0} films with {modelPath}");
        var (embeddings, dimension, modelVersion) = PrivacyUtilityBenchmark.Embed(dataset, modelPath);
        var movieIndex = dataset.Movies.Select((m, i) => (m.Id, i)).ToDictionary(p => p.Id, p => p.i);
        return (dataset, embeddings, dimension, modelVersion, movieIndex);
    }
}
