namespace StreamRec.Onnx;

/// <summary>The execution provider names <see cref="OnnxSessionOptions.ExecutionProvider"/> accepts.</summary>
public static class OnnxExecutionProviders
{
    public const string Cpu = "cpu";

    /// <summary>
    /// NVIDIA GPUs. Needs an ONNX Runtime build with the CUDA provider libraries
    /// (libonnxruntime_providers_shared.so and libonnxruntime_providers_cuda.so, from
    /// Microsoft.ML.OnnxRuntime.Gpu.Linux) plus the CUDA 12 and cuDNN 9 runtimes next to it.
    /// </summary>
    public const string Cuda = "cuda";
}
