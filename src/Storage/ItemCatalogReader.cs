using System.Text.Json;
using StackExchange.Redis;

namespace StreamRec.Storage;

/// <summary>
/// Reads the public catalog the Embedder writes to Redis from the catalog topic (layout:
/// <see cref="ItemCatalogKeys"/>): the Recommender's candidates and the DriftDetector's vocabulary for
/// explanations. Readers keep what they loaded and ask only for the items they do not hold yet; reads
/// are pipelined in chunks, so a catalog of 100,000 items loads in a few hundred round trips' worth of
/// time, not 100,000.
/// </summary>
public sealed class ItemCatalogReader(IDatabase database)
{
    private const int Chunk = 1000;

    private static readonly RedisValue[] Fields =
        [ItemCatalogKeys.VectorField, ItemCatalogKeys.TitleField, ItemCatalogKeys.CategoriesField, ItemCatalogKeys.ModelField];

    /// <summary>How many items the public catalog of <paramref name="modelVersion"/> holds (one SCARD).</summary>
    /// <exception cref="RedisException">Redis is unreachable or a command failed.</exception>
    public Task<long> CountAsync(string modelVersion) => database.SetLengthAsync(ItemCatalogKeys.ItemsOfModel(modelVersion));

    /// <summary>
    /// The items of <paramref name="modelVersion"/>'s public catalog that <paramref name="isLoaded"/> does not
    /// know yet, in item id order, with vectors of <paramref name="dimension"/> floats. An item whose stored
    /// vector is missing, damaged or of another model is left out and counted in
    /// <see cref="PublicCatalogRead.Skipped"/> (a damaged value must not stop the reader).
    /// </summary>
    /// <exception cref="RedisException">Redis is unreachable or a command failed.</exception>
    public async Task<PublicCatalogRead> ReadNewAsync(string modelVersion, int dimension, Func<string, bool> isLoaded)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelVersion);
        ArgumentNullException.ThrowIfNull(isLoaded);
        var members = await database.SetMembersAsync(ItemCatalogKeys.ItemsOfModel(modelVersion)).ConfigureAwait(false);
        var fresh = members.Select(m => (string)m!).Where(id => !isLoaded(id)).Order(StringComparer.Ordinal).ToList();
        var items = new List<PublicCatalogItem>(fresh.Count);
        var skipped = 0;
        foreach (var chunk in fresh.Chunk(Chunk))
        {
            var batch = database.CreateBatch();
            var pending = chunk.Select(id => batch.HashGetAsync(ItemCatalogKeys.Item(id), Fields)).ToArray();
            batch.Execute();
            var values = await Task.WhenAll(pending).ConfigureAwait(false);
            for (var i = 0; i < chunk.Length; i++)
            {
                var (vector, title, categories, model) = (values[i][0], values[i][1], values[i][2], values[i][3]);
                if (vector.IsNull || (string?)model != modelVersion || ((byte[])vector!).Length != dimension * sizeof(float))
                {
                    skipped++;
                    continue;
                }

                items.Add(new PublicCatalogItem(chunk[i], ReadVector((byte[])vector!), (string?)title, categories.IsNull ? [] : ParseCategories((byte[])categories!)));
            }
        }

        return new PublicCatalogRead(members.Length, items, skipped);
    }

    /// <summary>Reads a <see cref="ItemCatalogKeys.VectorField"/> value: D float32, little-endian.</summary>
    /// <exception cref="InvalidDataException">The value's length is not a multiple of 4.</exception>
    public static float[] ReadVector(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % sizeof(float) != 0)
        {
            throw new InvalidDataException($"An item vector has a multiple of 4 bytes; got {bytes.Length}.");
        }

        var vector = new float[bytes.Length / sizeof(float)];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * sizeof(float))..]);
        }

        return vector;
    }

    /// <summary>The categories field: a JSON array of strings. Anything else reads as no categories (display data only).</summary>
    private static string[] ParseCategories(byte[] json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, StorageJsonContext.Default.StringArray) is { } parsed
                ? [.. parsed.Where(c => !string.IsNullOrEmpty(c))]
                : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}

/// <summary>One item of the public catalog as Redis holds it.</summary>
public sealed record PublicCatalogItem(string ItemId, float[] Vector, string? Title, IReadOnlyList<string> Categories);

/// <summary>What <see cref="ItemCatalogReader.ReadNewAsync"/> found: the size of the model's item set when read, the new items, and those left out.</summary>
public sealed record PublicCatalogRead(long Members, IReadOnlyList<PublicCatalogItem> Items, int Skipped);
