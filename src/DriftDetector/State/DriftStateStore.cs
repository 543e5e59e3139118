using System.Globalization;
using StackExchange.Redis;
using StreamRec.DriftDetector.Detection;

namespace StreamRec.DriftDetector.State;

/// <summary>
/// Per-user drift state in Redis: one hash per user, <c>streamrec:user:{&lt;pseudonym&gt;}</c> (the braces
/// are a Redis Cluster hash tag, so every key of a user lands on one slot), with the encoded state
/// (<see cref="UserDriftStateCodec"/>), the encoder model version its vectors belong to, and the partition
/// and offset of the last input record applied. Every write is one Lua script that applies the new state
/// only if its offset is beyond the stored one for that partition, and renews the TTL (data
/// minimisation: an idle user's state disappears). So a record replayed after a crash (between the
/// Redis write and the offset commit) changes nothing, and a stale writer (a consumer that lost its
/// partitions without knowing) cannot overwrite a newer state. Only pseudonyms reach Redis, never raw
/// user ids.
/// </summary>
public sealed class DriftStateStore(IDatabase database, TimeSpan timeToLive)
{
    public const string StateField = "st";
    public const string PartitionField = "p";
    public const string OffsetField = "o";
    public const string ModelField = "m";

    // Returns 1 when applied, 0 when the stored offset of the same partition is already at or beyond it.
    // Atomic (a script runs alone on the server), so the check and the write cannot be interleaved.
    public const string ApplyScript = """
        local stored = redis.call('HMGET', KEYS[1], 'p', 'o')
        if stored[1] == ARGV[1] and stored[2] and tonumber(stored[2]) >= tonumber(ARGV[2]) then
          return 0
        end
        redis.call('HSET', KEYS[1], 'st', ARGV[3], 'p', ARGV[1], 'o', ARGV[2], 'm', ARGV[5])
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return 1
        """;

    private static readonly RedisValue[] LoadFields = [StateField, PartitionField, OffsetField, ModelField];

    private readonly string _timeToLive = ((long)timeToLive.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    public static RedisKey Key(string user) => $"streamrec:user:{{{user}}}";

    /// <summary>Stores <paramref name="state"/> as of input record (partition, offset) unless that record was already applied.</summary>
    /// <returns>True when written; false when the stored state already includes that record.</returns>
    public async Task<bool> ApplyAsync(string user, int partition, long offset, UserDriftState state, string modelVersion = "")
    {
        ArgumentNullException.ThrowIfNull(state);
        var results = await ApplyAsync([new DriftStateWrite(user, partition, offset, modelVersion, UserDriftStateCodec.Write(state))]).ConfigureAwait(false);
        return results[0];
    }

    /// <summary>
    /// Applies every write in one pipeline (all scripts sent, then all awaited: one round trip for a
    /// batch). Each is atomic on its own; they are independent users.
    /// </summary>
    /// <returns>For each write, whether it was applied (false: the stored state already includes its offset).</returns>
    /// <exception cref="RedisException">Redis is unreachable or a script failed.</exception>
    public async Task<bool[]> ApplyAsync(IReadOnlyList<DriftStateWrite> writes)
    {
        ArgumentNullException.ThrowIfNull(writes);
        var batch = database.CreateBatch();
        var pending = new Task<RedisResult>[writes.Count];
        for (var i = 0; i < writes.Count; i++)
        {
            var write = writes[i];
            ArgumentException.ThrowIfNullOrEmpty(write.User);
            pending[i] = batch.ScriptEvaluateAsync(ApplyScript, [Key(write.User)],
            [
                write.Partition.ToString(CultureInfo.InvariantCulture),
                write.Offset.ToString(CultureInfo.InvariantCulture),
                write.State,
                _timeToLive,
                write.ModelVersion,
            ]);
        }

        batch.Execute();
        var results = await Task.WhenAll(pending).ConfigureAwait(false);
        return [.. results.Select(r => (int)r == 1)];
    }

    /// <summary>The stored state of a user, or null for a user without one (new, or expired).</summary>
    public async Task<StoredDriftState?> LoadAsync(string user) => (await LoadAsync([user]).ConfigureAwait(false))[0];

    /// <summary>The stored states of several users in one pipeline, in the order asked (null: none stored).</summary>
    /// <exception cref="InvalidDataException">A stored state is damaged (the message says how).</exception>
    public async Task<StoredDriftState?[]> LoadAsync(IReadOnlyList<string> users)
    {
        ArgumentNullException.ThrowIfNull(users);
        var batch = database.CreateBatch();
        var pending = new Task<RedisValue[]>[users.Count];
        for (var i = 0; i < users.Count; i++)
        {
            ArgumentException.ThrowIfNullOrEmpty(users[i]);
            pending[i] = batch.HashGetAsync(Key(users[i]), LoadFields);
        }

        batch.Execute();
        var values = await Task.WhenAll(pending).ConfigureAwait(false);
        return [.. values.Select(v => v[0].IsNull
            ? null
            : new StoredDriftState(UserDriftStateCodec.Read((byte[])v[0]!), (int)v[1], (long)v[2], (string?)v[3] ?? ""))];
    }

    /// <summary>Erases a user's drift state (the erasure path for a data-subject request).</summary>
    /// <returns>True when there was a state to erase.</returns>
    public Task<bool> DeleteAsync(string user)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        return database.KeyDeleteAsync(Key(user));
    }
}
