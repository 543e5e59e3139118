using StreamRec.Embedder.Features;

namespace StreamRec.Embedder.Embedding;

/// <summary>
/// Configuration of the Embedder (section "Embedder"), validated at start by
/// <see cref="EmbedderOptionsValidator"/>.
/// <para>
/// Any ONNX model with the encoder's contract can be configured: an int64 input of hashed feature ids
/// [batch, seq] and a float input mask [batch, seq] (1 for a feature, 0 for padding), one float output
/// [batch, D]. The model's metadata is read for what it declares (<c>streamrec.model_version</c>,
/// <c>streamrec.embedding_dimension</c>, <c>streamrec.hashing.*</c>); a model without it needs
/// <see cref="ModelVersion"/> and <see cref="Hashing"/> here (and <see cref="Dimension"/> when its
/// output shape does not fix D). When both the model and this configuration give a value, they must
/// agree: a model is never fed ids hashed differently from how it was trained.
/// </para>
/// </summary>
public sealed class EmbedderOptions
{
    public const string SectionName = "Embedder";

    /// <summary>The ONNX encoder file (<c>streamrec train-encoder</c> writes one).</summary>
    public string ModelPath { get; set; } = "";

    public string InputIdsName { get; set; } = EncoderModelSignature.IdsInput;

    public string InputMaskName { get; set; } = EncoderModelSignature.MaskInput;

    public string OutputName { get; set; } = EncoderModelSignature.EmbeddingOutput;

    /// <summary>D. 0: take it from the model; otherwise the model must agree (checked at start).</summary>
    public int Dimension { get; set; }

    /// <summary>Used only when the model's metadata has no <c>streamrec.model_version</c>.</summary>
    public string? ModelVersion { get; set; }

    /// <summary>
    /// Feature hashing for a model whose metadata has no <c>streamrec.hashing.*</c> keys (keys
    /// Embedder:Hashing:VocabularySize, MaxFeatures, Seed). MaxFeatures is the model's sequence length.
    /// </summary>
    public ItemFeatureHashingOptions? Hashing { get; set; }

    /// <summary><see cref="OnnxExecutionProviders.Cpu"/> or <see cref="OnnxExecutionProviders.Cuda"/>.</summary>
    public string ExecutionProvider { get; set; } = OnnxExecutionProviders.Cpu;

    public int CudaDeviceId { get; set; }

    /// <summary>When CUDA cannot be loaded: warn and run on the CPU (true) or fail at start (false).</summary>
    public bool AllowCpuFallback { get; set; } = true;

    /// <summary>ONNX Runtime intra-op threads (see <see cref="EncoderSessionOptions.IntraOpThreads"/>).</summary>
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>The most rows per ONNX Runtime run: a micro-batch's cache misses are run in chunks of this size.</summary>
    public int MaxBatchSize { get; set; } = 256;

    /// <summary>Item embeddings kept in the LRU cache (about D x 4 bytes plus ~150 bytes each); 0 disables it.</summary>
    public int CacheCapacity { get; set; } = 50_000;

    /// <summary>Kafka consumer group of the stage.</summary>
    public string GroupId { get; set; } = "streamrec-embedder";

    /// <summary>
    /// Also consume the catalog topic (Kafka:Topics:Catalog), embedding and storing the items published
    /// there, as consumer group <see cref="CatalogGroupId"/>. On by default: these public items are the
    /// Recommender's only candidates (an item seen only in events is user data and never one), so an
    /// Embedder that does not read the topic leaves every mutation without a recommendation. Turn it off
    /// only for an Embedder whose Recommender is fed by another Embedder that reads it.
    /// </summary>
    public bool ConsumeCatalog { get; set; } = true;

    public string CatalogGroupId { get; set; } = "streamrec-embedder-catalog";

    /// <summary>The most records per micro-batch (one Redis pipeline and one produce-flush each).</summary>
    public int MicroBatchSize { get; set; } = 512;

    /// <summary>A micro-batch is processed at the latest this long after its first record arrived.</summary>
    public TimeSpan MicroBatchWait { get; set; } = TimeSpan.FromMilliseconds(20);

    public EncoderSessionOptions ToSessionOptions() => new()
    {
        IdsName = InputIdsName,
        MaskName = InputMaskName,
        OutputName = OutputName,
        IntraOpThreads = IntraOpThreads,
        ExecutionProvider = ExecutionProvider,
        CudaDeviceId = CudaDeviceId,
        AllowCpuFallback = AllowCpuFallback,
    };
}
