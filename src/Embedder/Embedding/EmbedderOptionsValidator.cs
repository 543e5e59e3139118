using Microsoft.Extensions.Options;

namespace StreamRec.Embedder.Embedding;

/// <summary>
/// Start-up validation of <see cref="EmbedderOptions"/>: every message names the configuration key.
/// What only the model can tell (its inputs, D, hashing) is checked when it is loaded
/// (<see cref="EmbeddingService.Load"/>).
/// </summary>
public sealed class EmbedderOptionsValidator : IValidateOptions<EmbedderOptions>
{
    public ValidateOptionsResult Validate(string? name, EmbedderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        const string s = EmbedderOptions.SectionName;
        if (string.IsNullOrWhiteSpace(options.ModelPath))
        {
            errors.Add($"{s}:ModelPath is required: the ONNX encoder file (run `streamrec train-encoder` to create one).");
        }

        Require(options.InputIdsName, nameof(options.InputIdsName));
        Require(options.InputMaskName, nameof(options.InputMaskName));
        Require(options.OutputName, nameof(options.OutputName));
        Require(options.GroupId, nameof(options.GroupId));
        Require(options.CatalogGroupId, nameof(options.CatalogGroupId));

        if (options.Dimension < 0)
        {
            errors.Add($"{s}:Dimension must be 0 (take it from the model) or positive (is {options.Dimension}).");
        }

        if (!string.Equals(options.ExecutionProvider, OnnxExecutionProviders.Cpu, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(options.ExecutionProvider, OnnxExecutionProviders.Cuda, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{s}:ExecutionProvider must be '{OnnxExecutionProviders.Cpu}' or '{OnnxExecutionProviders.Cuda}' (is '{options.ExecutionProvider}').");
        }

        if (options.CudaDeviceId < 0)
        {
            errors.Add($"{s}:CudaDeviceId must not be negative (is {options.CudaDeviceId}).");
        }

        if (options.IntraOpThreads < 0)
        {
            errors.Add($"{s}:IntraOpThreads must be 0 (one per core) or positive (is {options.IntraOpThreads}).");
        }

        if (options.MaxBatchSize < 1)
        {
            errors.Add($"{s}:MaxBatchSize must be >= 1 (is {options.MaxBatchSize}).");
        }

        if (options.CacheCapacity < 0)
        {
            errors.Add($"{s}:CacheCapacity must be 0 (no cache) or positive (is {options.CacheCapacity}).");
        }

        if (options.MicroBatchSize < 1)
        {
            errors.Add($"{s}:MicroBatchSize must be >= 1 (is {options.MicroBatchSize}).");
        }

        if (options.MicroBatchWait <= TimeSpan.Zero)
        {
            errors.Add($"{s}:MicroBatchWait must be positive (is {options.MicroBatchWait}).");
        }

        if (options.Hashing is { } hashing)
        {
            if (hashing.VocabularySize < 2)
            {
                errors.Add($"{s}:Hashing:VocabularySize must be >= 2 (is {hashing.VocabularySize}).");
            }

            if (hashing.MaxFeatures < 1)
            {
                errors.Add($"{s}:Hashing:MaxFeatures must be >= 1 (is {hashing.MaxFeatures}).");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);

        void Require(string value, string key)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add($"{s}:{key} must not be empty.");
            }
        }
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> listing every problem (for callers outside a host).</summary>
    public static void ThrowIfInvalid(EmbedderOptions options)
    {
        var result = new EmbedderOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(EmbedderOptions), result.Failures);
        }
    }
}
