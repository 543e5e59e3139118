namespace StreamRec.Contracts;

/// <summary>
/// A recommendation release, as the Recommender writes it to the recommendations topic (JSON, one per
/// record, keyed by <see cref="User"/>; contract in docs/events.md, guarantee in docs/privacy.md), in one of
/// two privacy modes (<see cref="PrivacyMode"/>). A release published again (after a crash, or a replayed
/// mutation) is the same record, byte for byte: readers deduplicate by <see cref="ReleaseId"/>.
/// <para>
/// Schema version 2 added <see cref="PrivacyMode"/> and the billboard fields, and made the ledger fields
/// absent in joint mode. The number changed although every field was added (readers ignore unknown fields)
/// because what a record promises changed: a version 1 reader would take a joint list, which spends no
/// epsilon, for an event-level private release that was free.
/// </para>
/// </summary>
public sealed record RecommendationRecord
{
    public const int CurrentSchemaVersion = 2;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Deterministic: the mutation id for a release triggered by a mutation; derived from the user and the time slot for a scheduled one.</summary>
    public required string ReleaseId { get; init; }

    /// <summary>Keyed pseudonym of the user (never the raw user id), also the record key.</summary>
    public required string User { get; init; }

    /// <summary>"mutation" (released because an interest mutation was detected) or "schedule" (released at a fixed time, whatever the data).</summary>
    public required string Trigger { get; init; }

    /// <summary>
    /// "joint" (the list is computed from the user's own data and the DP billboard, for that user alone:
    /// <see cref="BillboardGuarantee"/> bounds what it reveals about other users, no epsilon is spent) or
    /// "strict" (the list is event-level epsilon-DP against any reader, charged to the user's ledger).
    /// </summary>
    public required string PrivacyMode { get; init; }

    /// <summary>The mutation that triggered the release (null for a scheduled one).</summary>
    public string? MutationId { get; init; }

    /// <summary>The K items, in the order the mechanism selected them.</summary>
    public required IReadOnlyList<RecommendedItem> Items { get; init; }

    /// <summary>How the release was made private, with every constant.</summary>
    public required ReleaseMechanism Mechanism { get; init; }

    /// <summary>Epsilon this release charged the user's ledger (selection plus scores); 0 in joint mode.</summary>
    public required double EpsilonSpent { get; init; }

    /// <summary>Strict mode: epsilon left to the user in the current window after this release; absent in joint mode (no ledger).</summary>
    public double? EpsilonRemaining { get; init; }

    /// <summary>Strict mode: the rolling window of the budget, in seconds; absent in joint mode.</summary>
    public long? WindowSeconds { get; init; }

    /// <summary>Joint mode: the billboard release the list blended in; absent when the model had none yet (the list then follows the interest alone).</summary>
    public string? BillboardVersion { get; init; }

    /// <summary>Joint mode: the user-level guarantee of that billboard release; absent with <see cref="BillboardVersion"/>.</summary>
    public BillboardGuarantee? BillboardGuarantee { get; init; }

    /// <summary>The encoder model of the item and interest vectors.</summary>
    public required string ModelVersion { get; init; }

    /// <summary>When the release was made, Unix epoch milliseconds.</summary>
    public required long Time { get; init; }
}
