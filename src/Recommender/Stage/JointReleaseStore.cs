using System.Globalization;
using StackExchange.Redis;

namespace StreamRec.Recommender.Stage;

/// <summary>
/// The published joint-mode records in Redis, so that a release published again (a replayed mutation, a
/// restart within a schedule slot, a second replica) is the same bytes, as strict mode's ledger guarantees
/// for its releases. A joint list is not a pure function of its mutation: it also depends on the billboard
/// release, the user's drift state and recent items at the time, and on float rounding of the machine that
/// computed it, all of which may have changed by the replay. So the first record is stored and every later
/// attempt publishes the stored one (first writer wins, in one Lua script).
/// <para>
/// One hash per user, <c>streamrec:joint:{&lt;pseudonym&gt;}</c> (the user's Cluster hash tag, so the
/// erasure's single DEL reaches it): <c>r:&lt;release id&gt;</c> = the record, <c>t:&lt;release id&gt;</c> =
/// when it was stored (ms). Entries older than <c>retention</c> (the strict ledger's window,
/// Recommender:BudgetWindow, for which that ledger keeps its records too) are dropped by the next store,
/// and the key expires one retention after the last one. Nothing here is charged: joint mode has no ledger.
/// </para>
/// </summary>
public sealed class JointReleaseStore(IDatabase database, TimeSpan retention, TimeProvider clock)
{
    /// <summary>KEYS[1] the user's hash; ARGV: release id, record, now (ms), retention (ms). Returns {1 stored now | 0 stored before, the stored record}.</summary>
    public const string StoreScript = """
        local stored = redis.call('HGET', KEYS[1], 'r:' .. ARGV[1])
        if stored then
          return {0, stored}
        end
        local horizon = tonumber(ARGV[3]) - tonumber(ARGV[4])
        local fields = redis.call('HGETALL', KEYS[1])
        for i = 1, #fields, 2 do
          local field = fields[i]
          if string.sub(field, 1, 2) == 't:' and tonumber(fields[i + 1]) <= horizon then
            redis.call('HDEL', KEYS[1], field, 'r:' .. string.sub(field, 3))
          end
        end
        redis.call('HSET', KEYS[1], 'r:' .. ARGV[1], ARGV[2], 't:' .. ARGV[1], ARGV[3])
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return {1, ARGV[2]}
        """;

    private readonly string _retention = ((long)retention.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    public static RedisKey Key(string user) => $"streamrec:joint:{{{user}}}";

    /// <summary>Stores <paramref name="record"/> unless a record of the release is stored; returns the stored one and whether it was this one.</summary>
    /// <exception cref="RedisException">Redis is unreachable or the script failed.</exception>
    public async Task<(byte[] Record, bool First)> StoreAsync(string user, string releaseId, byte[] record)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        ArgumentException.ThrowIfNullOrEmpty(releaseId);
        ArgumentNullException.ThrowIfNull(record);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var result = (RedisResult[])(await database.ScriptEvaluateAsync(StoreScript, [Key(user)], [releaseId, record, now, _retention]).ConfigureAwait(false))!;
        return ((byte[])result[1]!, (int)result[0] == 1);
    }

    /// <summary>The stored record of the release, or null.</summary>
    public async Task<byte[]?> ReadAsync(string user, string releaseId)
    {
        var value = await database.HashGetAsync(Key(user), "r:" + releaseId).ConfigureAwait(false);
        return value.IsNull ? null : (byte[])value!;
    }
}
