using StreamRec.Recommender.Stage;

namespace StreamRec.UnitTests.Recommender;

/// <summary>
/// Scheduled release ids pinned to literal values (a mutation-triggered release reuses the mutation's
/// id, pinned in MutationIdGoldenTests). Consumers of the recommendations topic deduplicate by release
/// id, and the privacy ledger charges each release id once. During a rolling upgrade old and new
/// replicas may make the same slot's release for the same user, so both must derive the same id, or the
/// user is charged twice and readers see two releases. If one of these values must change, the
/// derivation changed: that needs a versioned id format and a migration note in docs/operations.md,
/// never just a new literal here.
/// </summary>
public sealed class ReleaseIdGoldenTests
{
    private const string User = "0f3c9a7e5b2d4c61a8e9f0b1c2d3e4f5"; // a pseudonym's shape

    [Fact]
    public void The_id_of_a_scheduled_release_never_changes()
    {
        Assert.Equal("f7eae4287e22822de789fab6fa993d0d", ScheduledReleaser.ReleaseId(User, slot: 20_428));
    }

    [Fact]
    public void A_slot_is_the_number_of_whole_intervals_since_the_unix_epoch()
    {
        // The slot is the other input of the id: pods must agree on it too. 2025-12-06T07:00Z is
        // 1_765_004_400_000 ms since the epoch, and slot 20_428 of a daily interval. The release maker
        // and the database are not touched by the slot arithmetic.
        var releaser = new ScheduledReleaser(null!, null!, TimeSpan.FromDays(1), new FixedClock(new DateTimeOffset(2025, 12, 6, 7, 0, 0, TimeSpan.Zero)));

        Assert.Equal(20_428, releaser.CurrentSlot);
        Assert.Equal(new DateTimeOffset(2025, 12, 6, 0, 0, 0, TimeSpan.Zero), releaser.SlotStart(20_428));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
