namespace StreamRec.Onnx;

/// <summary>
/// An ONNX Runtime call returned a non-null <c>OrtStatus</c>. Carries ORT's own error code and message
/// unchanged (<see cref="ErrorCode"/>, <see cref="RuntimeMessage"/>) plus the C API function that failed.
/// </summary>
public sealed class OnnxRuntimeException : Exception
{
    public OnnxRuntimeException(string operation, OnnxErrorCode errorCode, string runtimeMessage)
        : base($"ONNX Runtime {operation} failed ({errorCode}): {runtimeMessage}")
    {
        Operation = operation;
        ErrorCode = errorCode;
        RuntimeMessage = runtimeMessage;
    }

    /// <summary>The C API function that returned the error, e.g. <c>Run</c> or <c>CreateSession</c>.</summary>
    public string Operation { get; }

    public OnnxErrorCode ErrorCode { get; }

    /// <summary>ORT's message exactly as the runtime wrote it.</summary>
    public string RuntimeMessage { get; }
}
