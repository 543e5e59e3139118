namespace StreamRec.Embedder.Embedding;

/// <summary>The execution provider names <see cref="EmbedderOptions.ExecutionProvider"/> accepts.</summary>
public static class OnnxExecutionProviders
{
    public const string Cpu = "cpu";

    /// <summary>
    /// NVIDIA GPUs. Needs the GPU build of ONNX Runtime (Microsoft.ML.OnnxRuntime.Gpu.Linux, chosen with
    /// <c>-p:OnnxRuntimeGpu=true</c>; Dockerfile.gpu builds with it) and, on the machine, the CUDA 13
    /// runtime and cuDNN 9 its CUDA provider links against.
    /// </summary>
    public const string Cuda = "cuda";

    /// <summary>ONNX Runtime's own name of the CUDA provider, as <c>GetAvailableProviders</c> lists it.</summary>
    internal const string CudaRuntimeName = "CUDAExecutionProvider";
}
