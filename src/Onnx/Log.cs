using Microsoft.Extensions.Logging;

namespace StreamRec.Onnx;

/// <summary>Source-generated log messages of StreamRec.Onnx (event ids 1-99 belong to this assembly).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "CUDA execution provider unavailable for device {DeviceId} ({ErrorCode}: {Reason}); running this session on the CPU execution provider instead")]
    public static partial void CudaProviderUnavailable(ILogger logger, int deviceId, OnnxErrorCode errorCode, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information,
        Message = "ONNX session created from {ModelSource} on ONNX Runtime {RuntimeVersion}: provider {ExecutionProvider}, {IntraOpThreads} intra-op threads, inputs {Inputs}, outputs {Outputs}")]
    public static partial void SessionCreated(
        ILogger logger, string modelSource, string runtimeVersion, string executionProvider, int intraOpThreads, string inputs, string outputs);
}
