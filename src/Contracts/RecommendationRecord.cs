namespace StreamRec.Contracts;

/// <summary>
/// A differentially private recommendation release, as the Recommender writes it to the
/// recommendations topic (JSON, one per record, keyed by <see cref="User"/>; contract in docs/events.md,
/// guarantee in docs/privacy.md). A release published again (after a crash, or a replayed mutation) is
/// the same record, byte for byte: readers deduplicate by <see cref="ReleaseId"/>.
/// </summary>
public sealed record RecommendationRecord
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Deterministic: the mutation id for a release triggered by a mutation; derived from the user and the time slot for a scheduled one.</summary>
    public required string ReleaseId { get; init; }

    /// <summary>Keyed pseudonym of the user (never the raw user id), also the record key.</summary>
    public required string User { get; init; }

    /// <summary>"mutation" (released because an interest mutation was detected) or "schedule" (released at a fixed time, whatever the data).</summary>
    public required string Trigger { get; init; }

    /// <summary>The mutation that triggered the release (null for a scheduled one).</summary>
    public string? MutationId { get; init; }

    /// <summary>The K items, in the order the mechanism selected them.</summary>
    public required IReadOnlyList<RecommendedItem> Items { get; init; }

    /// <summary>How the release was made private, with every constant.</summary>
    public required ReleaseMechanism Mechanism { get; init; }

    /// <summary>Epsilon this release spent (selection plus scores).</summary>
    public required double EpsilonSpent { get; init; }

    /// <summary>Epsilon left to the user in the current window after this release.</summary>
    public required double EpsilonRemaining { get; init; }

    /// <summary>The rolling window of the budget, in seconds.</summary>
    public required long WindowSeconds { get; init; }

    /// <summary>The encoder model of the item and interest vectors.</summary>
    public required string ModelVersion { get; init; }

    /// <summary>When the release was made, Unix epoch milliseconds.</summary>
    public required long Time { get; init; }
}
