namespace StreamRec.Storage;

/// <summary>
/// Where the Embedder keeps items in Redis. Two kinds, on purpose in separate keys:
/// <list type="bullet">
/// <item>The <b>public catalog</b>, written only from the catalog topic: the Recommender's candidates.
/// <c>streamrec:item:{ITEM}</c> is a hash with <see cref="ModelField"/> (model version),
/// <see cref="VectorField"/> (D float32 little-endian), <see cref="TitleField"/> and
/// <see cref="CategoriesField"/> (a JSON array of strings; both only when the record carried them),
/// <see cref="UpdatedField"/> (Unix epoch milliseconds of the write); <c>streamrec:items:VERSION</c> is
/// the set of public item ids with a vector of that model version. The braces are a Redis Cluster hash
/// tag: every key about one item lands in the same slot.</item>
/// <item><b>Items seen in events</b>: <c>streamrec:seen:{ITEM}</c>, a hash with only
/// <see cref="TitleField"/>, <see cref="CategoriesField"/> and <see cref="UpdatedField"/>, for the
/// DriftDetector's explanations. It is never a candidate: which items occur in the stream is user data,
/// and an item known only from one user's event must not enter the support of any release (nor its
/// count the <c>candidates</c> of a release; docs/privacy.md, "Candidates come from the public catalog").
/// No vector is kept: the DriftDetector takes vectors from the embedded events themselves.</item>
/// </list>
/// Item ids appear in keys as they are: they are catalog ids, not user data.
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

    /// <summary>The display attributes of an item seen in an event: never a candidate (see the type's summary).</summary>
    public static string SeenItem(string itemId) => $"streamrec:seen:{{{itemId}}}";
}
