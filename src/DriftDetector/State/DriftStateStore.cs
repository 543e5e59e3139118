using System.Globalization;
using StackExchange.Redis;
using StreamRec.Storage;

namespace StreamRec.DriftDetector.State;

/// <summary>
/// Per-user drift state in Redis: one string per user (<see cref="DriftStateKeys"/>), holding the input position
/// of the last event applied, the encoder model version of the vectors, and the encoded state
/// (<see cref="DriftStateRecord"/>). A string and not a hash: a hash with a value over 64 bytes leaves
/// Redis' compact encoding, which cost about 1 KB per user against about 700 bytes as a string (measured
/// with MEMORY USAGE at D = 64, `streamrec-bench drift`).
/// <para>
/// Every write is one Lua script that stores the new value only if its offset is beyond the stored one
/// for that partition, and renews the TTL (data minimisation: an idle user's state disappears). So a
/// record replayed after a crash (between the Redis write and the offset commit) changes nothing, and a
/// stale writer (a consumer that lost its partitions without knowing) cannot overwrite a newer state.
/// Only pseudonyms reach Redis, never raw user ids.
/// </para>
/// </summary>
/// <param name="database">Where the state lives.</param>
/// <param name="timeToLive">How long an idle user's state is kept.</param>
/// <param name="replicaWait">When set, every batch of writes waits until replicas hold it (Redis:WaitReplicas).</param>
public sealed class DriftStateStore(IDatabase database, TimeSpan timeToLive, RedisReplicaWait? replicaWait = null)
{
    /// <summary>
    /// KEYS[1] the user's key; ARGV: partition, offset (decimal), the new value, TTL in ms. Returns 1
    /// when stored, 0 when the stored value of the same partition is already at or beyond that offset.
    /// Atomic (a script runs alone on the server), so the check and the write cannot be interleaved. The
    /// stored position is the value's first 12 bytes (<see cref="DriftStateRecord"/>).
    /// </summary>
    public const string ApplyScript = """
        local stored = redis.call('GETRANGE', KEYS[1], 0, 11)
        if #stored == 12 then
          local partition, offset = struct.unpack('<i4i8', stored)
          if partition == tonumber(ARGV[1]) and offset >= tonumber(ARGV[2]) then
            return 0
          end
        end
        redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
        return 1
        """;

    /// <summary>
    /// KEYS[1] the user's recent items; ARGV: offset, item, offset, item, ..., then how many to keep and the
    /// TTL in ms. ZADD GT keeps each item's latest offset, so replaying a record changes nothing.
    /// </summary>
    public const string RecentItemsScript = """
        local count = #ARGV - 2
        for i = 1, count, 2 do
          redis.call('ZADD', KEYS[1], 'GT', ARGV[i], ARGV[i + 1])
        end
        redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[#ARGV - 1]) + 1))
        redis.call('PEXPIRE', KEYS[1], ARGV[#ARGV])
        return 1
        """;

    private readonly string _timeToLive = ((long)timeToLive.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    public static RedisKey Key(string user) => DriftStateKeys.User(user);

    /// <summary>The user's most recent items (a sorted set by offset), kept only when DriftDetector:RecentItems > 0.</summary>
    public static RedisKey RecentItemsKey(string user) => DriftStateKeys.RecentItems(user);

    /// <summary>Stores <paramref name="state"/> as of input record (partition, offset) unless that record was already applied.</summary>
    /// <returns>True when written; false when the stored state already includes that record.</returns>
    public async Task<bool> ApplyAsync(string user, int partition, long offset, UserDriftState state, string modelVersion = "")
    {
        ArgumentNullException.ThrowIfNull(state);
        var results = await ApplyAsync([new DriftStateWrite(user, partition, offset, modelVersion, UserDriftStateCodec.Write(state))]).ConfigureAwait(false);
        return results[0];
    }

    /// <summary>
    /// Applies every write pipelined (all scripts sent, then all awaited: about one round trip for a
    /// batch). Each is atomic on its own; they are independent users. Not an <see cref="IBatch"/>: the
    /// client answers NOSCRIPT (a server restarted or SCRIPT FLUSHed since it last sent a script) by
    /// sending the script itself, run once, for a call of its own, but a script call of a batch
    /// (StackExchange.Redis 3.4.35) then never completes (RedisConnectionTests).
    /// </summary>
    /// <returns>For each write, whether it was applied (false: the stored state already includes its offset).</returns>
    /// <exception cref="RedisException">Redis is unreachable or a script failed.</exception>
    public async Task<bool[]> ApplyAsync(IReadOnlyList<DriftStateWrite> writes, int recentItems = 0)
    {
        ArgumentNullException.ThrowIfNull(writes);
        var pending = new Task<RedisResult>[writes.Count];
        var recent = new List<Task>();
        for (var i = 0; i < writes.Count; i++)
        {
            var write = writes[i];
            ArgumentException.ThrowIfNullOrEmpty(write.User);
            // Numbers as integer RedisValues: the client writes the same decimal text without a string per argument.
            pending[i] = database.ScriptEvaluateAsync(ApplyScript, [Key(write.User)],
            [
                write.Partition,
                write.Offset,
                DriftStateRecord.Write(write.Partition, write.Offset, write.ModelVersion, write.State, write.Origin),
                _timeToLive,
            ]);
            if (recentItems > 0 && write.RecentItems is { Count: > 0 } items)
            {
                var arguments = new List<RedisValue>((items.Count * 2) + 2);
                foreach (var (item, offset) in items)
                {
                    arguments.Add(offset);
                    arguments.Add(item);
                }

                arguments.Add(recentItems);
                arguments.Add(_timeToLive);
                recent.Add(database.ScriptEvaluateAsync(RecentItemsScript, [RecentItemsKey(write.User)], [.. arguments]));
            }
        }

        await Task.WhenAll(recent).ConfigureAwait(false);
        var results = await Task.WhenAll(pending).ConfigureAwait(false);
        if (replicaWait is not null)
        {
            await replicaWait.WaitAsync(writes.Select(w => Key(w.User))).ConfigureAwait(false);
        }

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
        var pending = new Task<RedisValue>[users.Count];
        for (var i = 0; i < users.Count; i++)
        {
            ArgumentException.ThrowIfNullOrEmpty(users[i]);
            pending[i] = batch.StringGetAsync(Key(users[i]));
        }

        batch.Execute();
        var values = await Task.WhenAll(pending).ConfigureAwait(false);
        return [.. values.Select(v => v.IsNull ? null : DriftStateRecord.Read((byte[])v!))];
    }

    /// <summary>The user's most recent items, most recent first (empty when none are kept).</summary>
    public Task<string[]> RecentItemsAsync(string user) => new RecentItemsReader(database).RecentItemsAsync(user);

    /// <summary>Erases a user's drift state and recent items (the erasure path for a data-subject request).</summary>
    /// <returns>How many keys were erased.</returns>
    public Task<long> DeleteAsync(string user)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        return database.KeyDeleteAsync([Key(user), RecentItemsKey(user)]);
    }
}
