using Microsoft.Extensions.Logging;

namespace StreamRec.Embedder;

/// <summary>
/// Source-generated log messages of StreamRec.Embedder. Event ids 300-399 belong to this assembly
/// (300-349: embedding and the embed stage). No message carries a user pseudonym or any other payload
/// value: records are named by topic, partition and offset.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Information,
        Message = "Embedder model {ModelPath}: version {ModelVersion}, D={Dimension}, {SequenceLength} features per item, " +
                  "feature hashing from the {HashingSource}, provider {ExecutionProvider} (configured {RequestedProvider}), " +
                  "runs of at most {MaxBatchSize} rows, cache capacity {CacheCapacity}")]
    public static partial void ModelLoaded(
        ILogger logger, string modelPath, string modelVersion, int dimension, int sequenceLength, string hashingSource,
        string executionProvider, string requestedProvider, int maxBatchSize, int cacheCapacity);

    [LoggerMessage(EventId = 302, Level = LogLevel.Debug,
        Message = "Embed stage: {Events} event(s), {CacheHits} cache hit(s), {EncodedRows} item(s) encoded in {Runs} run(s)")]
    public static partial void BatchEmbedded(ILogger logger, int events, int cacheHits, int encodedRows, int runs);

    [LoggerMessage(EventId = 304, Level = LogLevel.Debug, Message = "Catalog: {Items} item(s) embedded and written to Redis")]
    public static partial void CatalogItemsWritten(ILogger logger, int items);

    [LoggerMessage(EventId = 305, Level = LogLevel.Information,
        Message = "ONNX session created from {ModelSource} on ONNX Runtime {RuntimeVersion}: provider {ExecutionProvider}, {IntraOpThreads} intra-op threads, inputs {Inputs}, outputs {Outputs}")]
    public static partial void SessionCreated(
        ILogger logger, string modelSource, string runtimeVersion, string executionProvider, int intraOpThreads, string inputs, string outputs);

    [LoggerMessage(EventId = 306, Level = LogLevel.Warning,
        Message = "CUDA execution provider unavailable for device {DeviceId} ({Reason}); running this session on the CPU execution provider instead")]
    public static partial void CudaProviderUnavailable(ILogger logger, int deviceId, string reason);
}
