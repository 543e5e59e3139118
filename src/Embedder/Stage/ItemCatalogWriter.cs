using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using StackExchange.Redis;
using StreamRec.Storage;

namespace StreamRec.Embedder.Stage;

/// <summary>
/// Writes the public catalog to Redis (layout: <see cref="ItemCatalogKeys"/>): the items of the catalog
/// topic, the Recommender's candidates and the DriftDetector's vocabulary of explanations. Nothing is
/// written for items known only from events. A batch is one pipeline:
/// every HSET and one SADD per model version are sent together, then awaited together, so a micro-batch
/// costs one round trip. The writes are idempotent (same item, same model, same vector), so a replayed
/// batch may write them again.
/// </summary>
public sealed class ItemCatalogWriter(IDatabase database, TimeProvider clock)
{
    /// <summary>Writes items of the public catalog (the catalog topic): vector, attributes and membership of the model's candidate set.</summary>
    /// <exception cref="RedisException">A command failed or Redis is unreachable (the stage then stops, and the batch is replayed).</exception>
    public async Task WriteAsync(IReadOnlyList<CatalogItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0)
        {
            return;
        }

        var updated = clock.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var batch = database.CreateBatch();
        var pending = new List<Task>(items.Count + 1);
        foreach (var item in items)
        {
            pending.Add(batch.HashSetAsync(ItemCatalogKeys.Item(item.ItemId), Fields(item, updated)));
        }

        foreach (var version in items.GroupBy(item => item.ModelVersion, StringComparer.Ordinal))
        {
            pending.Add(batch.SetAddAsync(ItemCatalogKeys.ItemsOfModel(version.Key), [.. version.Select(item => (RedisValue)item.ItemId)]));
        }

        batch.Execute();
        await Task.WhenAll(pending).ConfigureAwait(false);
    }

    /// <summary>The vector as Redis stores it: D float32, little-endian.</summary>
    public static byte[] VectorBytes(ReadOnlySpan<float> embedding)
    {
        var bytes = new byte[embedding.Length * sizeof(float)];
        for (var i = 0; i < embedding.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), embedding[i]);
        }

        return bytes;
    }

    private static HashEntry[] Fields(CatalogItem item, string updated) =>
    [
        new(ItemCatalogKeys.ModelField, item.ModelVersion),
        new(ItemCatalogKeys.VectorField, VectorBytes(item.Embedding.Span)),
        .. AttributeFields(item, updated),
    ];

    private static List<HashEntry> AttributeFields(CatalogItem item, string updated)
    {
        var fields = new List<HashEntry>(3) { new(ItemCatalogKeys.UpdatedField, updated) };
        if (item.Title is not null)
        {
            fields.Add(new HashEntry(ItemCatalogKeys.TitleField, item.Title));
        }

        if (item.Categories is not null)
        {
            fields.Add(new HashEntry(ItemCatalogKeys.CategoriesField, CategoriesJson(item.Categories)));
        }

        return fields;
    }

    private static byte[] CategoriesJson(IReadOnlyList<string> categories)
    {
        var buffer = new ArrayBufferWriter<byte>();
        // Relaxed escaping keeps "Comédie" readable in redis-cli; the value is never embedded in HTML.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartArray();
            foreach (var category in categories)
            {
                json.WriteStringValue(category);
            }

            json.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
