using StreamRec.Recommender.Billboard;

namespace StreamRec.Recommender.Stage;

/// <summary>
/// Configuration of the Recommender stage (section "Recommender"), validated at start by
/// <see cref="RecommenderOptionsValidator"/>. The privacy constants are explained in docs/privacy.md.
/// </summary>
public sealed class RecommenderOptions
{
    public const string SectionName = "Recommender";

    public const string MutationTrigger = "mutation";

    public const string ScheduleTrigger = "schedule";

    /// <summary>
    /// When releases are made: "mutation" (default; right after each interest mutation, which reveals that
    /// a mutation happened) or "schedule" (for every user with state at every <see cref="ScheduleInterval"/>,
    /// so release times do not depend on private data; docs/privacy.md, "Release timing").
    /// </summary>
    public string Trigger { get; set; } = MutationTrigger;

    /// <summary>The period of scheduled releases (Trigger = schedule); slots are aligned on the Unix epoch.</summary>
    public TimeSpan ScheduleInterval { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Kafka consumer group of the stage.</summary>
    public string GroupId { get; set; } = "streamrec-recommender";

    public int MicroBatchSize { get; set; } = 64;

    public TimeSpan MicroBatchWait { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>K: items per release.</summary>
    public int TopK { get; set; } = 10;

    /// <summary>Epsilon of the selection of the K items, per release (K rounds of EpsilonSelection / K).</summary>
    public double EpsilonSelection { get; set; } = 1.0;

    /// <summary>Publish noised scores with the items (charged separately, <see cref="EpsilonScores"/>).</summary>
    public bool PublishScores { get; set; }

    /// <summary>Epsilon of the K published scores together, per release, when <see cref="PublishScores"/> is on.</summary>
    public double EpsilonScores { get; set; } = 0.5;

    /// <summary>Most epsilon a user may be charged within <see cref="BudgetWindow"/>; a release beyond it is not published.</summary>
    public double BudgetCap { get; set; } = 10.0;

    /// <summary>The rolling window of the budget.</summary>
    public TimeSpan BudgetWindow { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// a: the rate of the interest vector released from, which is the DriftDetector's short-horizon
    /// vector (DriftDetector:Detection:ShortRate). The sensitivity of a score is 2 x a x w_max: a smaller
    /// value here than the detector's rate would under-state it and void the guarantee.
    /// </summary>
    public double InterestRate { get; set; } = 0.3;

    /// <summary>w_max: the largest event weight Ingest assigns (Ingest:EventTypeWeights); at most 1.</summary>
    public double MaxEventWeight { get; set; } = 1.0;

    /// <summary>
    /// Leave out the user's most recent items (those the DriftDetector keeps, DriftDetector:RecentItems).
    /// Off by default: which items are left out depends on the user's events directly, not through the
    /// bounded-sensitivity interest vector, so a release never containing an item hints that the user
    /// interacted with it; the guarantee of docs/privacy.md does not cover that (see there). Strict mode
    /// only: joint mode always leaves them out when the detector keeps them, since its list goes to the
    /// user alone.
    /// </summary>
    public bool ExcludeRecentItems { get; set; }

    /// <summary>How often the candidate catalog is compared with Redis for new items.</summary>
    public TimeSpan CatalogRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Joint (default) or strict mode, and the joint blend's popularity weight (section "Recommender:Privacy").</summary>
    public RecommenderPrivacyOptions Privacy { get; set; } = new();

    /// <summary>Joint mode: no ledger, no noise; the list blends the user's interest with the billboard.</summary>
    public bool IsJoint => Privacy.Mode == RecommenderPrivacyOptions.JointMode;

    /// <summary>
    /// The billboard (section "Recommender:Billboard"): per-cluster item counts released with user-level
    /// DP, counted from the embedded events by the same process. Nested here so that the section is one
    /// of the Recommender's known keys (a mistyped key below it is still an error) and is validated with it.
    /// </summary>
    public BillboardOptions Billboard { get; set; } = new();

    /// <summary>What one strict release charges the ledger (joint releases charge nothing).</summary>
    public double EpsilonPerRelease => EpsilonSelection + (PublishScores ? EpsilonScores : 0);
}
