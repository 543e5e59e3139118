using System.Text.Json;
using StackExchange.Redis;

namespace StreamRec.Storage;

/// <summary>
/// The billboard's latest release in Redis, per encoder model: <c>streamrec:billboard:{MODEL}</c> holds the
/// snapshot (JSON) and <c>streamrec:billboard:{MODEL}:version</c> its <see cref="BillboardSnapshot.Version"/>,
/// so a reader checks the small key and fetches the large one only when it changed. The billboard writer
/// is the only writer; the Recommender only reads.
/// </summary>
public sealed class BillboardSnapshotStore(IDatabase database)
{
    public static string Key(string modelVersion) => $"streamrec:billboard:{modelVersion}";

    public static string VersionKey(string modelVersion) => $"streamrec:billboard:{modelVersion}:version";

    /// <summary>Stores <paramref name="snapshot"/> as the model's latest (snapshot first, then its version).</summary>
    /// <exception cref="RedisException">Redis is unreachable or a command failed.</exception>
    public async Task WriteAsync(BillboardSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var json = JsonSerializer.SerializeToUtf8Bytes(snapshot, StorageJsonContext.Default.BillboardSnapshot);
        await database.StringSetAsync(Key(snapshot.ModelVersion), json).ConfigureAwait(false);
        await database.StringSetAsync(VersionKey(snapshot.ModelVersion), snapshot.Version).ConfigureAwait(false);
    }

    /// <summary>The version of the model's latest release, or null when there is none yet.</summary>
    public async Task<string?> ReadVersionAsync(string modelVersion) =>
        await database.StringGetAsync(VersionKey(modelVersion)).ConfigureAwait(false) is { IsNull: false } version ? (string?)version : null;

    /// <summary>The model's latest release, or null when there is none yet.</summary>
    /// <exception cref="InvalidDataException">The stored value is not a billboard snapshot.</exception>
    public async Task<BillboardSnapshot?> ReadAsync(string modelVersion)
    {
        var value = await database.StringGetAsync(Key(modelVersion)).ConfigureAwait(false);
        if (value.IsNull)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize((byte[])value!, StorageJsonContext.Default.BillboardSnapshot)
                ?? throw new InvalidDataException($"{Key(modelVersion)} holds null, not a billboard snapshot.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{Key(modelVersion)} is not a billboard snapshot: {e.Message}", e);
        }
    }
}
