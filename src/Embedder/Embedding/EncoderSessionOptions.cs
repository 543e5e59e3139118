namespace StreamRec.Embedder.Embedding;

/// <summary>
/// How an <see cref="EncoderSession"/> runs its model. Defaults suit the embedder on a small CPU box and
/// the encoder StreamRec.Training's <c>EncoderModel</c> writes; <see cref="EmbedderOptions"/> carries the configured values.
/// </summary>
public sealed record EncoderSessionOptions
{
    public string IdsName { get; init; } = EncoderModelSignature.IdsInput;

    public string MaskName { get; init; } = EncoderModelSignature.MaskInput;

    public string OutputName { get; init; } = EncoderModelSignature.EmbeddingOutput;

    /// <summary>
    /// Threads ONNX Runtime may use inside one operator. Default 1: on the 2-core machines this project
    /// is measured on, one thread is as fast as two for the encoder, and leaves a core for the Kafka
    /// loop; 0 lets ORT use one per physical core.
    /// </summary>
    public int IntraOpThreads { get; init; } = 1;

    /// <summary><see cref="OnnxExecutionProviders.Cpu"/> (default) or <see cref="OnnxExecutionProviders.Cuda"/>.</summary>
    public string ExecutionProvider { get; init; } = OnnxExecutionProviders.Cpu;

    /// <summary>The GPU to use when <see cref="ExecutionProvider"/> is CUDA.</summary>
    public int CudaDeviceId { get; init; }

    /// <summary>
    /// When the requested GPU provider cannot be used, log a warning and run on the CPU (true, the
    /// default, so that one image runs everywhere) or fail session creation with
    /// <see cref="ExecutionProviderUnavailableException"/> (false, for deployments where a silent CPU
    /// fallback would breach latency objectives).
    /// </summary>
    public bool AllowCpuFallback { get; init; } = true;

    internal bool IsCuda => string.Equals(ExecutionProvider, OnnxExecutionProviders.Cuda, StringComparison.OrdinalIgnoreCase);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first impossible setting.</summary>
    public void Validate()
    {
        if (IntraOpThreads < 0)
        {
            throw new ArgumentException($"IntraOpThreads must be 0 (ORT default) or positive, not {IntraOpThreads}.", nameof(IntraOpThreads));
        }

        if (!IsCuda && !string.Equals(ExecutionProvider, OnnxExecutionProviders.Cpu, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException(
                $"Unknown execution provider '{ExecutionProvider}'; expected '{OnnxExecutionProviders.Cpu}' or '{OnnxExecutionProviders.Cuda}'.",
                nameof(ExecutionProvider));
        }

        if (CudaDeviceId < 0)
        {
            throw new ArgumentException($"CudaDeviceId must be non-negative, not {CudaDeviceId}.", nameof(CudaDeviceId));
        }
    }
}
