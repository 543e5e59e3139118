namespace StreamRec.Onnx.Native;

/// <summary>
/// The slice of ONNX Runtime's <c>OrtApi</c> function table that StreamRec calls, as C# function
/// pointers. The table is an array of pointers whose slots are only ever appended to, so a slot index
/// (zero-based, counted in onnxruntime_c_api.h) stays valid for every runtime that accepts
/// <see cref="Version"/>. Opaque ORT objects are <see cref="nint"/>; <c>char*</c> is UTF-8
/// <see cref="byte"/>*; C enums are <see cref="int"/>. Every <c>OrtStatus*</c> result goes through
/// <see cref="Check"/>.
/// </summary>
internal sealed unsafe class OrtApi
{
    /// <summary>
    /// The C API version we request. ONNX Runtime 1.30.0 accepts 1 to 30; 29 is the version this binding
    /// was verified with end to end (shared/PLATFORM.md). GetApi returns null for a runtime too old to
    /// know it, which <see cref="OnnxRuntimeEnvironment"/> reports as such.
    /// </summary>
    public const uint Version = 29;

    public readonly delegate* unmanaged<nint, int> GetErrorCode;
    public readonly delegate* unmanaged<nint, byte*> GetErrorMessage;
    public readonly delegate* unmanaged<int, byte*, nint*, nint> CreateEnv;
    public readonly delegate* unmanaged<nint, byte*, nint, nint*, nint> CreateSession;
    public readonly delegate* unmanaged<nint, void*, nuint, nint, nint*, nint> CreateSessionFromArray;
    public readonly delegate* unmanaged<nint, nint, byte**, nint*, nuint, byte**, nuint, nint*, nint> Run;
    public readonly delegate* unmanaged<nint*, nint> CreateSessionOptions;
    public readonly delegate* unmanaged<nint, int, nint> SetSessionGraphOptimizationLevel;
    public readonly delegate* unmanaged<nint, int, nint> SetIntraOpNumThreads;
    public readonly delegate* unmanaged<nint, nuint*, nint> SessionGetInputCount;
    public readonly delegate* unmanaged<nint, nuint*, nint> SessionGetOutputCount;
    public readonly delegate* unmanaged<nint, nuint, nint*, nint> SessionGetInputTypeInfo;
    public readonly delegate* unmanaged<nint, nuint, nint*, nint> SessionGetOutputTypeInfo;
    public readonly delegate* unmanaged<nint, nuint, nint, byte**, nint> SessionGetInputName;
    public readonly delegate* unmanaged<nint, nuint, nint, byte**, nint> SessionGetOutputName;
    public readonly delegate* unmanaged<nint, void*, nuint, long*, nuint, int, nint*, nint> CreateTensorWithDataAsOrtValue;
    public readonly delegate* unmanaged<nint, void**, nint> GetTensorMutableData;
    public readonly delegate* unmanaged<nint, nint*, nint> CastTypeInfoToTensorInfo;
    public readonly delegate* unmanaged<nint, int*, nint> GetTensorElementType;
    public readonly delegate* unmanaged<nint, nuint*, nint> GetDimensionsCount;
    public readonly delegate* unmanaged<nint, long*, nuint, nint> GetDimensions;
    public readonly delegate* unmanaged<nint, byte**, nuint, nint> GetSymbolicDimensions;
    public readonly delegate* unmanaged<nint, nint*, nint> GetTensorTypeAndShape;
    public readonly delegate* unmanaged<int, int, nint*, nint> CreateCpuMemoryInfo;
    public readonly delegate* unmanaged<nint, void*, nint> AllocatorFree;
    public readonly delegate* unmanaged<nint*, nint> GetAllocatorWithDefaultOptions;
    public readonly delegate* unmanaged<nint, void> ReleaseEnv;
    public readonly delegate* unmanaged<nint, void> ReleaseStatus;
    public readonly delegate* unmanaged<nint, void> ReleaseMemoryInfo;
    public readonly delegate* unmanaged<nint, void> ReleaseSession;
    public readonly delegate* unmanaged<nint, void> ReleaseValue;
    public readonly delegate* unmanaged<nint, void> ReleaseTypeInfo;
    public readonly delegate* unmanaged<nint, void> ReleaseTensorTypeAndShapeInfo;
    public readonly delegate* unmanaged<nint, void> ReleaseSessionOptions;
    public readonly delegate* unmanaged<nint, nint*, nint> SessionGetModelMetadata;
    public readonly delegate* unmanaged<nint, nint, byte*, byte**, nint> ModelMetadataLookupCustomMetadataMap;
    public readonly delegate* unmanaged<nint, void> ReleaseModelMetadata;
    public readonly delegate* unmanaged<nint, nint, byte***, long*, nint> ModelMetadataGetCustomMetadataMapKeys;
    public readonly delegate* unmanaged<byte***, int*, nint> GetAvailableProviders;
    public readonly delegate* unmanaged<byte**, int, nint> ReleaseAvailableProviders;
    public readonly delegate* unmanaged<nint, nint, nint> SessionOptionsAppendExecutionProviderCudaV2;
    public readonly delegate* unmanaged<nint*, nint> CreateCudaProviderOptions;
    public readonly delegate* unmanaged<nint, byte**, byte**, nuint, nint> UpdateCudaProviderOptions;
    public readonly delegate* unmanaged<nint, void> ReleaseCudaProviderOptions;

    public OrtApi(nint* table)
    {
        GetErrorCode = (delegate* unmanaged<nint, int>)table[1];
        GetErrorMessage = (delegate* unmanaged<nint, byte*>)table[2];
        CreateEnv = (delegate* unmanaged<int, byte*, nint*, nint>)table[3];
        CreateSession = (delegate* unmanaged<nint, byte*, nint, nint*, nint>)table[7];
        CreateSessionFromArray = (delegate* unmanaged<nint, void*, nuint, nint, nint*, nint>)table[8];
        Run = (delegate* unmanaged<nint, nint, byte**, nint*, nuint, byte**, nuint, nint*, nint>)table[9];
        CreateSessionOptions = (delegate* unmanaged<nint*, nint>)table[10];
        SetSessionGraphOptimizationLevel = (delegate* unmanaged<nint, int, nint>)table[23];
        SetIntraOpNumThreads = (delegate* unmanaged<nint, int, nint>)table[24];
        SessionGetInputCount = (delegate* unmanaged<nint, nuint*, nint>)table[30];
        SessionGetOutputCount = (delegate* unmanaged<nint, nuint*, nint>)table[31];
        SessionGetInputTypeInfo = (delegate* unmanaged<nint, nuint, nint*, nint>)table[33];
        SessionGetOutputTypeInfo = (delegate* unmanaged<nint, nuint, nint*, nint>)table[34];
        SessionGetInputName = (delegate* unmanaged<nint, nuint, nint, byte**, nint>)table[36];
        SessionGetOutputName = (delegate* unmanaged<nint, nuint, nint, byte**, nint>)table[37];
        CreateTensorWithDataAsOrtValue = (delegate* unmanaged<nint, void*, nuint, long*, nuint, int, nint*, nint>)table[49];
        GetTensorMutableData = (delegate* unmanaged<nint, void**, nint>)table[51];
        CastTypeInfoToTensorInfo = (delegate* unmanaged<nint, nint*, nint>)table[55];
        GetTensorElementType = (delegate* unmanaged<nint, int*, nint>)table[60];
        GetDimensionsCount = (delegate* unmanaged<nint, nuint*, nint>)table[61];
        GetDimensions = (delegate* unmanaged<nint, long*, nuint, nint>)table[62];
        GetSymbolicDimensions = (delegate* unmanaged<nint, byte**, nuint, nint>)table[63];
        GetTensorTypeAndShape = (delegate* unmanaged<nint, nint*, nint>)table[65];
        CreateCpuMemoryInfo = (delegate* unmanaged<int, int, nint*, nint>)table[69];
        AllocatorFree = (delegate* unmanaged<nint, void*, nint>)table[76];
        GetAllocatorWithDefaultOptions = (delegate* unmanaged<nint*, nint>)table[78];
        ReleaseEnv = (delegate* unmanaged<nint, void>)table[92];
        ReleaseStatus = (delegate* unmanaged<nint, void>)table[93];
        ReleaseMemoryInfo = (delegate* unmanaged<nint, void>)table[94];
        ReleaseSession = (delegate* unmanaged<nint, void>)table[95];
        ReleaseValue = (delegate* unmanaged<nint, void>)table[96];
        ReleaseTypeInfo = (delegate* unmanaged<nint, void>)table[98];
        ReleaseTensorTypeAndShapeInfo = (delegate* unmanaged<nint, void>)table[99];
        ReleaseSessionOptions = (delegate* unmanaged<nint, void>)table[100];
        SessionGetModelMetadata = (delegate* unmanaged<nint, nint*, nint>)table[111];
        ModelMetadataLookupCustomMetadataMap = (delegate* unmanaged<nint, nint, byte*, byte**, nint>)table[116];
        ReleaseModelMetadata = (delegate* unmanaged<nint, void>)table[118];
        ModelMetadataGetCustomMetadataMapKeys = (delegate* unmanaged<nint, nint, byte***, long*, nint>)table[123];
        GetAvailableProviders = (delegate* unmanaged<byte***, int*, nint>)table[125];
        ReleaseAvailableProviders = (delegate* unmanaged<byte**, int, nint>)table[126];
        SessionOptionsAppendExecutionProviderCudaV2 = (delegate* unmanaged<nint, nint, nint>)table[204];
        CreateCudaProviderOptions = (delegate* unmanaged<nint*, nint>)table[205];
        UpdateCudaProviderOptions = (delegate* unmanaged<nint, byte**, byte**, nuint, nint>)table[206];
        ReleaseCudaProviderOptions = (delegate* unmanaged<nint, void>)table[208];
    }

    /// <summary>
    /// Turns a non-null <c>OrtStatus*</c> into an <see cref="OnnxRuntimeException"/> carrying ORT's
    /// error code and message, releasing the status first (a status is owned by the caller).
    /// </summary>
    public void Check(nint status, string operation)
    {
        if (status == 0)
        {
            return;
        }

        OnnxErrorCode code;
        string message;
        try
        {
            code = (OnnxErrorCode)GetErrorCode(status);
            // ORT ends some messages with a newline, which would split log lines.
            message = Utf8.ToString(GetErrorMessage(status)).TrimEnd();
        }
        finally
        {
            ReleaseStatus(status);
        }

        throw new OnnxRuntimeException(operation, code, message);
    }

    /// <summary>
    /// Frees a buffer that ORT allocated with the default allocator (names, metadata strings).
    /// The allocator itself is never released: ORT owns it for the life of the process.
    /// </summary>
    public void Free(nint allocator, void* buffer)
    {
        if (buffer is not null)
        {
            Check(AllocatorFree(allocator, buffer), "AllocatorFree");
        }
    }
}
