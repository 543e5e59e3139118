using System.Globalization;
using StackExchange.Redis;

namespace StreamRec.Recommender.Ledger;

/// <summary>
/// The per-user privacy ledger in Redis: epsilon spent in a rolling window, charged atomically with the
/// decision to publish (docs/privacy.md, "The ledger"). One hash per user,
/// <c>streamrec:ledger:{&lt;pseudonym&gt;}</c> (the same Cluster hash tag as the user's drift state), with
/// for each release in the window a field <c>e:&lt;release id&gt;</c> = "time:epsilon:spent after it" and,
/// once built, <c>r:&lt;release id&gt;</c> = the published record. The charge is one Lua script, so
/// concurrent releases for the same user are serialised by Redis and can never overspend:
/// <list type="number">
/// <item>a release id already charged is answered with what was spent after it and its stored record,
/// if any: publishing an earlier release again is post-processing and costs nothing (a replayed
/// mutation spends no budget twice);</item>
/// <item>entries older than the window are deleted; the rest are summed;</item>
/// <item>if the sum plus this release's epsilon exceeds the cap, the release is refused (not charged);</item>
/// <item>otherwise it is charged.</item>
/// </list>
/// The caller then samples the noise, builds the record and stores it with <see cref="StoreReleaseAsync"/>
/// (first writer wins) before publishing exactly the stored record. A crash after the charge and before
/// the store draws the noise again on replay: the first draw was never published, so the observer
/// still sees one release for one charge. A crash after the store republishes the stored record.
/// The key expires one window after the last release. Only pseudonyms reach Redis.
/// </summary>
public sealed class PrivacyLedger(IDatabase database, TimeSpan window, double cap, TimeProvider clock)
{
    /// <summary>KEYS[1] ledger; ARGV: release id, now (ms), window (ms), epsilon, cap. Returns {outcome, spent after, stored record?}; outcome 0 refused, 1 granted, 2 charged before.</summary>
    public const string ChargeScript = """
        local id = ARGV[1]
        local charged = redis.call('HGET', KEYS[1], 'e:' .. id)
        if charged then
          local last = string.find(charged, ':[^:]*$')
          local stored = redis.call('HGET', KEYS[1], 'r:' .. id)
          return {2, string.sub(charged, last + 1), stored or false}
        end
        local now = tonumber(ARGV[2])
        local horizon = now - tonumber(ARGV[3])
        local fields = redis.call('HGETALL', KEYS[1])
        local spent = 0
        for i = 1, #fields, 2 do
          local field = fields[i]
          if string.sub(field, 1, 2) == 'e:' then
            local value = fields[i + 1]
            local first = string.find(value, ':', 1, true)
            local second = string.find(value, ':', first + 1, true)
            local at = tonumber(string.sub(value, 1, first - 1))
            if at <= horizon then
              redis.call('HDEL', KEYS[1], field, 'r:' .. string.sub(field, 3))
            else
              spent = spent + tonumber(string.sub(value, first + 1, second - 1))
            end
          end
        end
        local epsilon = tonumber(ARGV[4])
        if spent + epsilon > tonumber(ARGV[5]) * (1 + 1e-12) then
          return {0, string.format('%.17g', spent)}
        end
        local after = string.format('%.17g', spent + epsilon)
        redis.call('HSET', KEYS[1], 'e:' .. id, ARGV[2] .. ':' .. ARGV[4] .. ':' .. after)
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return {1, after}
        """;

    /// <summary>KEYS[1] ledger; ARGV: release id, record. Stores the record unless one is stored (and only for a charged release); returns the stored one.</summary>
    public const string StoreScript = """
        if not redis.call('HGET', KEYS[1], 'e:' .. ARGV[1]) then
          return false
        end
        redis.call('HSETNX', KEYS[1], 'r:' .. ARGV[1], ARGV[2])
        return redis.call('HGET', KEYS[1], 'r:' .. ARGV[1])
        """;

    private readonly string _window = ((long)window.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
    private readonly string _cap = cap.ToString("R", CultureInfo.InvariantCulture);

    public TimeSpan Window => window;

    public double Cap => cap;

    public static RedisKey Key(string user) => $"streamrec:ledger:{{{user}}}";

    /// <summary>Charges <paramref name="epsilon"/> for release <paramref name="releaseId"/> if the window's budget allows it.</summary>
    /// <exception cref="RedisException">Redis is unreachable or the script failed.</exception>
    public async Task<LedgerDecision> ChargeAsync(string user, string releaseId, double epsilon)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        ArgumentException.ThrowIfNullOrEmpty(releaseId);
        if (!(epsilon > 0) || !double.IsFinite(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "A release spends a positive, finite epsilon.");
        }

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var result = (RedisResult[])(await database.ScriptEvaluateAsync(ChargeScript, [Key(user)],
            [releaseId, now, _window, epsilon.ToString("R", CultureInfo.InvariantCulture), _cap]).ConfigureAwait(false))!;
        var spent = double.Parse((string)result[1]!, CultureInfo.InvariantCulture);
        return (int)result[0] switch
        {
            0 => new LedgerDecision(LedgerOutcome.Refused, spent, null),
            1 => new LedgerDecision(LedgerOutcome.Granted, spent, null),
            _ => new LedgerDecision(LedgerOutcome.AlreadyCharged, spent, result[2].IsNull ? null : (byte[])result[2]!),
        };
    }

    /// <summary>Stores a charged release's record unless one is stored already; returns the stored record, which is what to publish.</summary>
    /// <exception cref="InvalidOperationException">The release was never charged (or has left the window).</exception>
    public async Task<byte[]> StoreReleaseAsync(string user, string releaseId, byte[] record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var stored = await database.ScriptEvaluateAsync(StoreScript, [Key(user)], [releaseId, record]).ConfigureAwait(false);
        return stored.IsNull
            ? throw new InvalidOperationException($"Release {releaseId} is not charged in the ledger: a release is stored only after its charge.")
            : (byte[])stored!;
    }

    /// <summary>Epsilon spent by the user in the current window (a read; expired entries are not counted).</summary>
    public async Task<double> SpentAsync(string user)
    {
        var horizon = clock.GetUtcNow().ToUnixTimeMilliseconds() - (long)window.TotalMilliseconds;
        var entries = await database.HashGetAllAsync(Key(user)).ConfigureAwait(false);
        return entries
            .Where(e => ((string)e.Name!).StartsWith("e:", StringComparison.Ordinal))
            .Select(e => ((string)e.Value!).Split(':'))
            .Where(parts => long.Parse(parts[0], CultureInfo.InvariantCulture) > horizon)
            .Sum(parts => double.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    /// <summary>Erases a user's ledger (the erasure path for a data-subject request).</summary>
    public Task<bool> DeleteAsync(string user) => database.KeyDeleteAsync(Key(user));
}
