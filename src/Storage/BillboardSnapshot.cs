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

    /// <summary>When the release was made, unix ms.</summary>
    public required long ReleasedAt { get; init; }

    /// <summary>Start of the window the counts cover, unix ms (event time).</summary>
    public required long WindowStart { get; init; }

    /// <summary>The release's step in its window, 1..<see cref="BillboardGuarantee.ReleasesPerWindow"/>.</summary>
    public required int Step { get; init; }

    public required BillboardGuarantee Guarantee { get; init; }

    /// <summary>k unit centroids of dimension D: a user's cluster is the centroid nearest their long-horizon interest.</summary>
    public required float[][] Centroids { get; init; }

    /// <summary>The public catalog items the counts are for.</summary>
    public required string[] Items { get; init; }

    /// <summary>k rows aligned with <see cref="Items"/>: noisy distinct-user counts, clamped at 0 (post-processing).</summary>
    public required long[][] Counts { get; init; }
}
