namespace StreamRec.Embedder.Embedding;

/// <summary>
/// The configured execution provider cannot be used here and <see cref="EmbedderOptions.AllowCpuFallback"/>
/// is off: the encoder refuses to start rather than quietly run on the CPU.
/// </summary>
public sealed class ExecutionProviderUnavailableException : Exception
{
    public ExecutionProviderUnavailableException(string provider, string reason, Exception? innerException = null)
        : base($"The '{provider}' execution provider cannot be used: {reason}. " +
               $"Set {EmbedderOptions.SectionName}:AllowCpuFallback=true to run on the CPU instead.", innerException)
    {
        Provider = provider;
        Reason = reason;
    }

    public string Provider { get; }

    /// <summary>Why: the runtime build lacks the provider, or ONNX Runtime's own message (e.g. a CUDA library that failed to load).</summary>
    public string Reason { get; }
}
