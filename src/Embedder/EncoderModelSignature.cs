namespace StreamRec.Embedder;

/// <summary>
/// The names of the encoder model's input and output tensors: the contract between a model file
/// (built by StreamRec.Training's <c>EncoderModel</c>) and the session that runs it here. Together with
/// <see cref="EncoderModelMetadata"/> it is all the Embedder needs to know about how a model was built.
/// </summary>
public static class EncoderModelSignature
{
    /// <summary>int64 [batch, seq]: hashed feature ids, each in [0, V).</summary>
    public const string IdsInput = "ids";

    /// <summary>float [batch, seq]: the weight of each id (0 masks padding).</summary>
    public const string MaskInput = "mask";

    /// <summary>float [batch, D]: the L2-normalised item embedding.</summary>
    public const string EmbeddingOutput = "embedding";
}
