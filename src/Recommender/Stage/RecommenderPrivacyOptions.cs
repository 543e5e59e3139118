namespace StreamRec.Recommender.Stage;

/// <summary>
/// Which guarantee the Recommender's releases carry (section "Recommender:Privacy"; docs/privacy.md):
/// <list type="bullet">
/// <item><c>joint</c> (default): a user's list is computed from their own data and the billboard (per-cluster
/// item counts released with user-level DP), with no noise of its own. What one user's list reveals about
/// the other users is bounded by the billboard's guarantee; the list itself goes to that user only, so it
/// may follow their interest and leave out what they have seen, and it spends no per-user epsilon.</item>
/// <item><c>strict</c>: every release is event-level epsilon-DP against anyone reading the topic
/// (ledger charge, private top-K, optional noised scores): the mechanism the Recommender had before joint
/// mode, which the offline measurement found indistinguishable from a random list at the design's epsilons.</item>
/// </list>
/// </summary>
public sealed class RecommenderPrivacyOptions
{
    public const string SectionName = "Privacy";

    public const string JointMode = "joint";

    public const string StrictMode = "strict";

    /// <summary>"joint" (default) or "strict".</summary>
    public string Mode { get; set; } = JointMode;

    /// <summary>
    /// w of the joint blend (1 - w)(cos(interest, item) + 1)/2 + w p, p the item's billboard count in the
    /// user's cluster over that cluster's largest count; in [0, 1]. 0.1 is the weight the offline
    /// measurement (streamrec-bench recommend-utility, docs/privacy.md "Joint vs strict on a temporal
    /// split") chose on validation for the noiseless blend, with this same cosine formula; with a
    /// billboard that is mostly noise (few users per cluster) validation picks 0 to 0.05.
    /// </summary>
    public double PopularityWeight { get; set; } = 0.1;
}
