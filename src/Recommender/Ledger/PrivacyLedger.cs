using System.Globalization;
using StackExchange.Redis;

namespace StreamRec.Recommender.Ledger;

/// <summary>
/// The per-user privacy ledger in Redis: epsilon spent in a rolling window, charged atomically with the
/// decision to publish (docs/privacy.md, "The ledger"). One hash per user,
/// <c>streamrec:ledger:{&lt;pseudonym&gt;}</c> (the same Cluster hash tag as the user's drift state), with
/// for each release in the window a field <c>e:&lt;release id&gt;</c> = "time:epsilon" and a field
/// <c>r:&lt;release id&gt;</c> = the published record. One Lua script decides, so concurrent releases for
/// the same user are serialised by Redis and can never overspend:
/// <list type="number">
/// <item>a release id already in the ledger is answered with its stored record: re-publishing an earlier
/// release is post-processing and costs nothing (a replayed mutation spends no budget twice);</item>
/// <item>entries older than the window are deleted; the rest are summed;</item>
/// <item>if the sum plus this release's epsilon exceeds the cap, the release is refused (not charged);</item>
/// <item>otherwise it is charged and its record stored, in the same script, before it is published: a
/// crash between the charge and the publication replays the mutation, which finds the stored record and
/// publishes exactly it.</item>
/// </list>
/// The key expires one window after the last release. Only pseudonyms reach Redis.
/// </summary>
public sealed class PrivacyLedger(IDatabase database, TimeSpan window, double cap, TimeProvider clock)
{
    /// <summary>KEYS[1] ledger; ARGV: release id, now (ms), window (ms), epsilon, cap, record. Returns {outcome, spent, record?}.</summary>
    public const string ChargeScript = """
        local id = ARGV[1]
        local stored = redis.call('HGET', KEYS[1], 'r:' .. id)
        if stored then
          return {2, '0', stored}
        end
        local now = tonumber(ARGV[2])
        local horizon = now - tonumber(ARGV[3])
        local fields = redis.call('HGETALL', KEYS[1])
        local spent = 0
        for i = 1, #fields, 2 do
          local field = fields[i]
          if string.sub(field, 1, 2) == 'e:' then
            local value = fields[i + 1]
            local sep = string.find(value, ':', 1, true)
            local at = tonumber(string.sub(value, 1, sep - 1))
            if at <= horizon then
              redis.call('HDEL', KEYS[1], field, 'r:' .. string.sub(field, 3))
            else
              spent = spent + tonumber(string.sub(value, sep + 1))
            end
          end
        end
        local epsilon = tonumber(ARGV[4])
        if spent + epsilon > tonumber(ARGV[5]) * (1 + 1e-12) then
          return {0, string.format('%.17g', spent)}
        end
        redis.call('HSET', KEYS[1], 'e:' .. id, ARGV[2] .. ':' .. ARGV[4], 'r:' .. id, ARGV[6])
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return {1, string.format('%.17g', spent + epsilon)}
        """;

    private readonly string _window = ((long)window.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
    private readonly string _cap = cap.ToString("R", CultureInfo.InvariantCulture);

    public TimeSpan Window => window;

    public double Cap => cap;

    public static RedisKey Key(string user) => $"streamrec:ledger:{{{user}}}";

    /// <summary>Charges <paramref name="epsilon"/> for release <paramref name="releaseId"/> if the window's budget allows it, storing <paramref name="record"/> with the charge.</summary>
    /// <exception cref="RedisException">Redis is unreachable or the script failed.</exception>
    public async Task<LedgerDecision> ChargeAsync(string user, string releaseId, double epsilon, byte[] record)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        ArgumentException.ThrowIfNullOrEmpty(releaseId);
        ArgumentNullException.ThrowIfNull(record);
        if (!(epsilon > 0) || !double.IsFinite(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "A release spends a positive, finite epsilon.");
        }

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var result = (RedisResult[])(await database.ScriptEvaluateAsync(ChargeScript, [Key(user)],
            [releaseId, now, _window, epsilon.ToString("R", CultureInfo.InvariantCulture), _cap, record]).ConfigureAwait(false))!;
        var spent = double.Parse((string)result[1]!, CultureInfo.InvariantCulture);
        return (int)result[0] switch
        {
            0 => new LedgerDecision(LedgerOutcome.Refused, spent, null),
            1 => new LedgerDecision(LedgerOutcome.Granted, spent, null),
            _ => new LedgerDecision(LedgerOutcome.AlreadyReleased, spent, (byte[])result[2]!),
        };
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
