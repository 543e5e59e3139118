using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;
using StreamRec.Storage;

namespace StreamRec.Recommender.Stage;

/// <summary>
/// The fixed-schedule mode (<c>Recommender:Trigger = schedule</c>): at every slot of
/// <see cref="RecommenderOptions.ScheduleInterval"/> (slot n covers [n x interval, (n + 1) x interval)
/// since the Unix epoch), one release for every user who has drift state, from the user's current
/// short-horizon vector s, whether or not their interest mutated. When releases happen then depends on
/// the clock alone, not on anyone's events, so the event-level guarantee of each release holds without
/// the timing side channel of mutation-triggered releases (docs/privacy.md, "Release timing"). What it
/// does reveal is which users have state at all: users active within the state's TTL, which
/// neighbouring histories (one event replaced) share.
/// <para>
/// Release ids are derived from (user, slot), so releasing a slot again (a restart within the slot, or a
/// second replica) republishes the stored releases at no cost.
/// </para>
/// </summary>
public sealed class ScheduledReleaser(ReleaseMaker releases, IDatabase database, TimeSpan interval, TimeProvider clock)
{
    public const string ScheduleTrigger = RecommenderOptions.ScheduleTrigger;

    /// <summary>The slot the clock is in now.</summary>
    public long CurrentSlot => clock.GetUtcNow().ToUnixTimeMilliseconds() / (long)interval.TotalMilliseconds;

    /// <summary>When <paramref name="slot"/> begins.</summary>
    public DateTimeOffset SlotStart(long slot) => DateTimeOffset.FromUnixTimeMilliseconds(slot * (long)interval.TotalMilliseconds);

    public static string ReleaseId(string user, long slot) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"streamrec-scheduled\n{user}\n{slot.ToString(CultureInfo.InvariantCulture)}")).AsSpan(0, 16));

    /// <summary>Makes the slot's release for every user with drift state; returns the records to publish, with their users.</summary>
    /// <exception cref="RedisException">Redis is unreachable.</exception>
    public async Task<List<(string User, byte[] Record, ReleaseStatus Status)>> ReleaseSlotAsync(long slot, CancellationToken cancellationToken)
    {
        var published = new List<(string User, byte[] Record, ReleaseStatus Status)>();
        var cursor = "0";
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            var reply = (RedisResult[])(await database.ExecuteAsync("SCAN", cursor, "MATCH", DriftStateKeys.UserPattern, "COUNT", 500).ConfigureAwait(false))!;
            cursor = (string)reply[0]!;
            var keys = ((RedisResult[])reply[1]!).Select(k => (string)k!).ToList();
            if (keys.Count == 0)
            {
                continue;
            }

            var values = await database.StringGetAsync([.. keys.Select(k => (RedisKey)k)]).ConfigureAwait(false);
            for (var i = 0; i < keys.Count; i++)
            {
                if (values[i].IsNull)
                {
                    continue; // expired between the scan and the read
                }

                var user = keys[i][(keys[i].IndexOf('{', StringComparison.Ordinal) + 1)..^1];
                var stored = DriftStateRecord.Read((byte[])values[i]!);
                var request = new ReleaseRequest(user, ReleaseId(user, slot), ScheduleTrigger, null, stored.State.Short, stored.ModelVersion, SlotStart(slot));
                var result = await releases.MakeAsync(request).ConfigureAwait(false);
                if (result.Record is { } record)
                {
                    published.Add((user, record, result.Status));
                }
            }
        }
        while (cursor != "0");

        return published;
    }
}
