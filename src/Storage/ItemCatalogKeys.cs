namespace StreamRec.Storage;

/// <summary>
/// Where the Embedder keeps item vectors and display attributes in Redis, for the Recommender (candidate
/// items) and for explanations a person can read:
/// <list type="bullet">
/// <item><c>streamrec:item:{ITEM}</c>: a hash with <see cref="ModelField"/> (model version),
/// <see cref="VectorField"/> (D float32 little-endian), <see cref="TitleField"/> and
/// <see cref="CategoriesField"/> (a JSON array of strings; both only when the item's event carried them),
/// <see cref="UpdatedField"/> (Unix epoch milliseconds of the write). The braces are a Redis Cluster
/// hash tag: every key about one item lands in the same slot.</item>
/// <item><c>streamrec:items:VERSION</c>: the set of item ids with a vector of that model version.</item>
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
}
