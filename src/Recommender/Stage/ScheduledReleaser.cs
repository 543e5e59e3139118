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

    private const int ScanPage = 500;

    /// <summary>The slot the clock is in now.</summary>
    public long CurrentSlot => clock.GetUtcNow().ToUnixTimeMilliseconds() / (long)interval.TotalMilliseconds;

    /// <summary>When <paramref name="slot"/> begins.</summary>
    public DateTimeOffset SlotStart(long slot) => DateTimeOffset.FromUnixTimeMilliseconds(slot * (long)interval.TotalMilliseconds);

    public static string ReleaseId(string user, long slot) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"streamrec-scheduled\n{user}\n{slot.ToString(CultureInfo.InvariantCulture)}")).AsSpan(0, 16));

    /// <summary>Makes the slot's release for every user with drift state; returns the records to publish, with their users.</summary>
    /// <exception cref="RedisException">Redis is unreachable, or a master of a Redis Cluster is (its replica not promoted yet).</exception>
    public async Task<List<(string User, byte[] Record, ReleaseStatus Status)>> ReleaseSlotAsync(long slot, CancellationToken cancellationToken)
    {
        var published = new List<(string User, byte[] Record, ReleaseStatus Status)>();
        // A Redis Cluster's users are spread over all its masters: every one is scanned.
        foreach (var server in RedisMasters.Of(database.Multiplexer))
        {
            // SCAN in pages: one server's keys.
            var keys = new List<RedisKey>(ScanPage);
            await foreach (var key in server.KeysAsync(database.Database, DriftStateKeys.UserPattern, ScanPage).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                keys.Add(key);
                if (keys.Count == ScanPage)
                {
                    await ReleaseAsync(keys, slot, published).ConfigureAwait(false);
                    keys.Clear();
                }
            }

            await ReleaseAsync(keys, slot, published).ConfigureAwait(false);
        }

        return published;
    }

    /// <summary>Releases for the users of <paramref name="keys"/>: each key read on its own (on a cluster the keys are in many slots, so no MGET), pipelined.</summary>
    private async Task ReleaseAsync(List<RedisKey> keys, long slot, List<(string User, byte[] Record, ReleaseStatus Status)> published)
    {
        var values = await Task.WhenAll(keys.Select(k => database.StringGetAsync(k))).ConfigureAwait(false);
        for (var i = 0; i < keys.Count; i++)
        {
            if (values[i].IsNull)
            {
                continue; // expired between the scan and the read
            }

            var key = (string)keys[i]!;
            var user = key[(key.IndexOf('{', StringComparison.Ordinal) + 1)..^1];
            var stored = DriftStateRecord.Read((byte[])values[i]!);
            var request = new ReleaseRequest(user, ReleaseId(user, slot), ScheduleTrigger, null, stored.State.Short, stored.ModelVersion, SlotStart(slot));
            var result = await releases.MakeAsync(request).ConfigureAwait(false);
            if (result.Record is { } record)
            {
                published.Add((user, record, result.Status));
            }
        }
    }
}
