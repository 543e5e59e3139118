using Microsoft.ML.OnnxRuntime;
using StreamRec.Embedder.Embedding;

namespace StreamRec.Cli.Hosting;

/// <summary>
/// Loads the configured encoder once at start-up, before any stage runs, so that a missing or unloadable
/// model is a configuration error naming <c>Embedder:ModelPath</c> (exit code 2), like every other bad
/// setting, instead of a stage failing after the others have started. The model is small and loads in
/// well under a second; the Embedder loads its own copy when it starts.
/// </summary>
public static class EncoderModelProbe
{
    /// <summary>One line naming the key when the model cannot be used; null when it loads.</summary>
    public static string? Check(EmbedderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string key = $"{EmbedderOptions.SectionName}:{nameof(EmbedderOptions.ModelPath)}";
        try
        {
            using var service = EmbeddingService.Load(options);
            return null;
        }
        catch (FileNotFoundException)
        {
            return $"{key}: '{options.ModelPath}' does not exist (run `streamrec train-encoder` to create one).";
        }
        catch (Exception e) when (e is OnnxRuntimeException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            // ONNX Runtime rejected the file, or the model does not fit the encoder contract or the configuration.
            return $"{key}: '{options.ModelPath}' is not a usable encoder model: {OneLine(e.Message)}";
        }
        catch (ExecutionProviderUnavailableException e)
        {
            return $"{EmbedderOptions.SectionName}:{nameof(EmbedderOptions.ExecutionProvider)}: {OneLine(e.Message)}";
        }
    }

    /// <summary>ONNX Runtime's messages may span lines; the error report is one line per problem.</summary>
    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
