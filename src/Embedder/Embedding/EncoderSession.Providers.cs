using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;

namespace StreamRec.Embedder.Embedding;

// Choosing the execution provider. CUDA can be missing in three ways, each answered the same way
// (fallback with a warning, or ExecutionProviderUnavailableException when fallback is off):
//  - the CPU package: it has no CUDA entry point at all (appending throws EntryPointNotFoundException,
//    not an ORT error), so the available providers are checked first;
//  - the GPU package without the CUDA 13 / cuDNN 9 libraries (or without a GPU driver): appending
//    throws OnnxRuntimeException "Failed to load shared library ...";
//  - the libraries load but no GPU can be used: session creation fails with a CUDA error.
public sealed partial class EncoderSession
{
    private static EncoderSession Create(
        string modelSource, EncoderSessionOptions? options, ILogger? logger, Func<SessionOptions, InferenceSession> load)
    {
        options ??= new EncoderSessionOptions();
        options.Validate();
        logger ??= NullLogger.Instance;

        InferenceSession? session = null;
        var provider = OnnxExecutionProviders.Cpu;
        if (options.IsCuda)
        {
            using var cudaOptions = NewSessionOptions(options);
            var unavailable = TryAppendCuda(cudaOptions, options.CudaDeviceId);
            if (unavailable is null)
            {
                try
                {
                    session = load(cudaOptions);
                    provider = OnnxExecutionProviders.Cuda;
                }
                catch (OnnxRuntimeException e) when (options.AllowCpuFallback)
                {
                    // If the model itself is at fault, the CPU attempt below fails with the same error.
                    unavailable = e.Message;
                }
            }

            if (unavailable is not null)
            {
                if (!options.AllowCpuFallback)
                {
                    throw new ExecutionProviderUnavailableException(OnnxExecutionProviders.Cuda, unavailable);
                }

                Log.CudaProviderUnavailable(logger, options.CudaDeviceId, unavailable);
            }
        }

        if (session is null)
        {
            // Fresh options: nothing of a failed CUDA attempt is carried into the CPU session.
            using var cpuOptions = NewSessionOptions(options);
            session = load(cpuOptions);
        }

        try
        {
            var encoder = new EncoderSession(session, options, provider);
            Log.SessionCreated(
                logger, modelSource, RuntimeVersion, provider, options.IntraOpThreads,
                string.Join("; ", encoder.Inputs), string.Join("; ", encoder.Outputs));
            return encoder;
        }
        catch
        {
            // Reading the model's declarations failed: do not leave the native session to the finalizer.
            session.Dispose();
            throw;
        }
    }

    private static SessionOptions NewSessionOptions(EncoderSessionOptions options) => new()
    {
        IntraOpNumThreads = options.IntraOpThreads,
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
    };

    /// <summary>Appends the CUDA provider; returns why it cannot be used, or null when it was appended.</summary>
    private static string? TryAppendCuda(SessionOptions sessionOptions, int deviceId)
    {
        var available = AvailableProviders;
        if (!available.Contains(OnnxExecutionProviders.CudaRuntimeName, StringComparer.Ordinal))
        {
            return $"this ONNX Runtime build has no {OnnxExecutionProviders.CudaRuntimeName} (its providers: {string.Join(", ", available)}); " +
                   "the GPU build is Microsoft.ML.OnnxRuntime.Gpu.Linux, used when built with -p:OnnxRuntimeGpu=true (Dockerfile.gpu)";
        }

        try
        {
            sessionOptions.AppendExecutionProvider_CUDA(deviceId);
            return null;
        }
        catch (OnnxRuntimeException e)
        {
            return e.Message;
        }
    }
}
