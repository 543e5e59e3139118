namespace StreamRec.Onnx;

/// <summary>
/// ONNX Runtime's <c>OrtErrorCode</c>, value for value. Codes added by later runtimes than the ones
/// listed here still arrive intact as their numeric value.
/// </summary>
public enum OnnxErrorCode
{
    Ok = 0,
    Fail = 1,
    InvalidArgument = 2,
    NoSuchFile = 3,
    NoModel = 4,
    EngineError = 5,
    RuntimeException = 6,
    InvalidProtobuf = 7,
    ModelLoaded = 8,
    NotImplemented = 9,
    InvalidGraph = 10,
    EpFail = 11,
}
