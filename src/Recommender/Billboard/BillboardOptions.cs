namespace StreamRec.Recommender.Billboard;

/// <summary>
/// Configuration of the billboard (section "Recommender:Billboard", validated at start with the rest of
/// the Recommender's options by <see cref="BillboardOptionsValidator"/>): per interest cluster, how many
/// distinct users interacted with each public catalog item in the current window, released from the
/// stream with user-level differential privacy (docs/privacy.md, "Joint mode").
/// </summary>
public sealed class BillboardOptions
{
    public const string SectionName = "Billboard";

    /// <summary>Count and release the billboard (the Recommender stage's process hosts it).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>ε of all of one window's releases together, per user.</summary>
    public double EpsilonPerWindow { get; set; } = 1.0;

    /// <summary>
    /// The window the guarantee is per: processing time, fixed windows aligned on the Unix epoch. A user
    /// is counted again (and covered by a new ε) in every window.
    /// </summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromDays(1);

    /// <summary>T: releases per window, one at the end of each of T equal steps (the binary tree's horizon).</summary>
    public int ReleasesPerWindow { get; set; } = 24;

    /// <summary>L: the most distinct items one user is counted for in one window (the first ones seen).</summary>
    public int MaxItemsPerUser { get; set; } = 32;

    /// <summary>k: interest clusters (spherical k-means over the public catalog's vectors).</summary>
    public int Clusters { get; set; } = 8;

    /// <summary>Kafka consumer group of the billboard's reading of the embedded-events topic.</summary>
    public string GroupId { get; set; } = "streamrec-billboard";

    /// <summary>Micro-batch bound of that reading: one Redis script per batch and window.</summary>
    public int MicroBatchSize { get; set; } = 512;
}
