namespace StreamRec.Contracts;

/// <summary>
/// One interest cluster of one billboard release, as published on the billboard topic
/// (<c>streamrec.billboard</c>, JSON, keyed by <see cref="ModelVersion"/> so that a model's releases stay
/// in order on one partition). A release is published as one record per cluster: a whole release of a
/// 10,000-item catalog with 8 clusters would come near Kafka's default 1 MB message limit, one cluster
/// stays far below it. The counts are the same numbers the Recommender reads from Redis (the snapshot):
/// the previous window's final release plus this window's release at <see cref="Step"/>.
/// </summary>
public sealed record BillboardRecord
{
    /// <summary>"{window start, unix ms}-{step}", the same as the snapshot's version.</summary>
    public required string Version { get; init; }

    public required string ModelVersion { get; init; }

    /// <summary>Start of the window, unix ms (processing time).</summary>
    public required long WindowStart { get; init; }

    /// <summary>1..<see cref="BillboardGuarantee.ReleasesPerWindow"/>.</summary>
    public required int Step { get; init; }

    /// <summary>When the step ended, unix ms: the release's time, whatever the time it took to compute.</summary>
    public required long ReleasedAt { get; init; }

    public required BillboardGuarantee Guarantee { get; init; }

    /// <summary>This record's cluster, 0..<see cref="Clusters"/> - 1.</summary>
    public required int Cluster { get; init; }

    /// <summary>k: the release is complete once all k records of its version are read.</summary>
    public required int Clusters { get; init; }

    /// <summary>The cluster's unit centroid (public: derived from the public catalog).</summary>
    public required float[] Centroid { get; init; }

    /// <summary>Every public catalog item of the window, zero counts included (so which items were counted is not revealed).</summary>
    public required string[] Items { get; init; }

    /// <summary>Noisy distinct-user counts aligned with <see cref="Items"/>, clamped at 0.</summary>
    public required long[] Counts { get; init; }
}
