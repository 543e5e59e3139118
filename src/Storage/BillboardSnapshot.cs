using StreamRec.Contracts;

namespace StreamRec.Storage;

/// <summary>
/// One release of the billboard as the Recommender reads it from Redis (<see cref="BillboardSnapshotStore"/>):
/// per interest cluster, the noisy count of distinct users per public catalog item in the current window,
/// released with user-level DP (<see cref="Guarantee"/>). Everything in it is public: the counts are the
/// mechanism's output, the centroids and items come from the public catalog.
/// </summary>
public sealed record BillboardSnapshot
{
    /// <summary>Identifies the release: "{window start, unix ms}-{step}" of the model's billboard.</summary>
    public required string Version { get; init; }

    /// <summary>The encoder model whose vectors the centroids are in.</summary>
    public required string ModelVersion { get; init; }

    /// <summary>When the release was made, unix ms: the end of its step, whatever the time it took to compute.</summary>
    public required long ReleasedAt { get; init; }

    /// <summary>Start of the window the counts cover, unix ms, in processing time (when the billboard counted the events, not their event time).</summary>
    public required long WindowStart { get; init; }

    /// <summary>The release's step in its window, 1..<see cref="BillboardGuarantee.ReleasesPerWindow"/>.</summary>
    public required int Step { get; init; }

    public required BillboardGuarantee Guarantee { get; init; }

    /// <summary>k unit centroids of dimension D: a user's cluster is the centroid nearest their long-horizon interest.</summary>
    public required float[][] Centroids { get; init; }

    /// <summary>The public catalog items the counts are for.</summary>
    public required string[] Items { get; init; }

    /// <summary>
    /// k rows aligned with <see cref="Items"/>: noisy distinct-user counts, clamped at 0 (post-processing).
    /// Each is the previous window's final release plus the current window's release at <see cref="Step"/>
    /// (also post-processing), so a user active in both windows is covered by 2 x epsilon here.
    /// </summary>
    public required long[][] Counts { get; init; }
}
