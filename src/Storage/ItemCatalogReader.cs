using System.Text.Json;
using StackExchange.Redis;

namespace StreamRec.Storage;

/// <summary>
/// Reads the display attributes the Embedder stored for items (layout: <see cref="ItemCatalogKeys"/>),
/// for explanations a person can read: the public catalog's when it has the item, else those of the
/// item as events named it. One pipeline per call: every HMGET is sent, then all are awaited.
/// </summary>
public sealed class ItemCatalogReader(IDatabase database)
{
    private static readonly RedisValue[] AttributeFields = [ItemCatalogKeys.TitleField, ItemCatalogKeys.CategoriesField];

    /// <summary>
    /// Title and categories of each item, in the order asked; an item Redis does not hold gets
    /// <see cref="ItemAttributesRecord.Missing"/> (the catalog may have expired it, or never seen it).
    /// </summary>
    /// <exception cref="RedisException">Redis is unreachable or a command failed.</exception>
    public async Task<ItemAttributesRecord[]> ReadAttributesAsync(IReadOnlyList<string> itemIds)
    {
        ArgumentNullException.ThrowIfNull(itemIds);
        if (itemIds.Count == 0)
        {
            return [];
        }

        var batch = database.CreateBatch();
        var published = new Task<RedisValue[]>[itemIds.Count];
        var seen = new Task<RedisValue[]>[itemIds.Count];
        for (var i = 0; i < itemIds.Count; i++)
        {
            published[i] = batch.HashGetAsync(ItemCatalogKeys.Item(itemIds[i]), AttributeFields);
            seen[i] = batch.HashGetAsync(ItemCatalogKeys.SeenItem(itemIds[i]), AttributeFields);
        }

        batch.Execute();
        var publishedValues = await Task.WhenAll(published).ConfigureAwait(false);
        var seenValues = await Task.WhenAll(seen).ConfigureAwait(false);
        var records = new ItemAttributesRecord[itemIds.Count];
        for (var i = 0; i < records.Length; i++)
        {
            // The catalog record is the authority on its item's attributes; an event's are the fallback.
            var values = publishedValues[i] is [{ IsNull: true }, { IsNull: true }] ? seenValues[i] : publishedValues[i];
            var (title, categories) = (values[0], values[1]);
            records[i] = title.IsNull && categories.IsNull
                ? ItemAttributesRecord.Missing
                : new ItemAttributesRecord((string?)title, categories.IsNull ? [] : ParseCategories(categories!));
        }

        return records;
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
