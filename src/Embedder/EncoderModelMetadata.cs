namespace StreamRec.Embedder;

/// <summary>
/// Keys of the <c>metadata_props</c> that StreamRec.Training's <c>EncoderModel</c> writes into every encoder model, so
/// that a process loading a model file can check it matches its configuration (dimension, hashing)
/// before embedding anything with it.
/// </summary>
public static class EncoderModelMetadata
{
    public const string ModelVersion = "streamrec.model_version";

    /// <summary>D, the length of the output embedding.</summary>
    public const string EmbeddingDimension = "streamrec.embedding_dimension";

    /// <summary>V, the number of rows of the embedding table (ids must be in [0, V)).</summary>
    public const string VocabularySize = "streamrec.vocabulary_size";

    /// <summary>E, the width of the embedding table.</summary>
    public const string TableDimension = "streamrec.table_dimension";

    /// <summary>Prefix of the caller's feature-hashing parameters, e.g. <c>streamrec.hashing.seed</c>.</summary>
    public const string HashingPrefix = "streamrec.hashing.";
}
