using System.Globalization;
using StackExchange.Redis;
using StreamRec.DriftDetector.Detection;

namespace StreamRec.DriftDetector.State;

/// <summary>
/// Per-user drift state in Redis: one hash per user, <c>streamrec:user:{&lt;pseudonym&gt;}</c> (the braces
/// are a Redis Cluster hash tag, so every key of a user lands on one slot), with the encoded state
/// (<see cref="UserDriftStateCodec"/>), and the partition and offset of the last input record applied.
/// Every write is one Lua script that applies the new state only if its offset is beyond the stored one
/// for that partition, and renews the TTL (data minimisation: an idle user's state disappears). So a
/// record replayed after a crash (between the Redis write and the offset commit) changes nothing.
/// Only pseudonyms reach Redis, never raw user ids.
/// </summary>
public sealed class DriftStateStore(IDatabase database, TimeSpan timeToLive)
{
    public const string StateField = "st";
    public const string PartitionField = "p";
    public const string OffsetField = "o";

    // Returns 1 when applied, 0 when the stored offset of the same partition is already at or beyond it.
    private const string ApplyScript = """
        local stored = redis.call('HMGET', KEYS[1], 'p', 'o')
        if stored[1] == ARGV[1] and stored[2] and tonumber(stored[2]) >= tonumber(ARGV[2]) then
          return 0
        end
        redis.call('HSET', KEYS[1], 'st', ARGV[3], 'p', ARGV[1], 'o', ARGV[2])
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return 1
        """;

    public static RedisKey Key(string user) => $"streamrec:user:{{{user}}}";

    /// <summary>Stores <paramref name="state"/> as of input record (partition, offset) unless that record was already applied.</summary>
    /// <returns>True when written; false when the stored state already includes that record.</returns>
    public async Task<bool> ApplyAsync(string user, int partition, long offset, UserDriftState state)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        ArgumentNullException.ThrowIfNull(state);
        var result = await database.ScriptEvaluateAsync(ApplyScript, [Key(user)],
        [
            partition.ToString(CultureInfo.InvariantCulture),
            offset.ToString(CultureInfo.InvariantCulture),
            UserDriftStateCodec.Write(state),
            ((long)timeToLive.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
        ]).ConfigureAwait(false);
        return (int)result == 1;
    }

    /// <summary>The stored state of a user, or null for a user without one (new, or expired).</summary>
    public async Task<StoredDriftState?> LoadAsync(string user)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        var values = await database.HashGetAsync(Key(user), [StateField, PartitionField, OffsetField]).ConfigureAwait(false);
        if (values[0].IsNull)
        {
            return null;
        }

        return new StoredDriftState(
            UserDriftStateCodec.Read((byte[])values[0]!),
            (int)values[1],
            (long)values[2]);
    }
}
