namespace StreamRec.Storage;

/// <summary>
/// Where the Embedder keeps the public catalog in Redis, written only from the catalog topic: the
/// Recommender's candidates and the DriftDetector's vocabulary of explanations.
/// <c>streamrec:item:{ITEM}</c> is a hash with <see cref="ModelField"/> (model version),
/// <see cref="VectorField"/> (D float32 little-endian), <see cref="TitleField"/> and
/// <see cref="CategoriesField"/> (a JSON array of strings; both only when the record carried them),
/// <see cref="UpdatedField"/> (Unix epoch milliseconds of the write); <c>streamrec:items:VERSION</c> is
/// the set of public item ids with a vector of that model version. The braces are a Redis Cluster hash
/// tag: every key about one item lands in the same slot. Nothing is kept about an item known only from
/// events: which items occur in the stream is user data, and an item known only from one user's event
/// must not enter the support of any release, nor its count the <c>candidates</c> of a release
/// (docs/privacy.md, "Candidates come from the public catalog"). Item ids appear in keys as they are:
/// they are catalog ids, not user data.
/// </summary>
public static class ItemCatalogKeys
{
    public const string ModelField = "model";
    public const string VectorField = "vec";
    public const string TitleField = "title";
    public const string CategoriesField = "categories";
    public const string UpdatedField = "updated";

    public static string Item(string itemId) => $"streamrec:item:{{{itemId}}}";

    public static string ItemsOfModel(string modelVersion) => $"streamrec:items:{modelVersion}";
}
