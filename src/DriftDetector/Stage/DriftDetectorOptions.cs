using StreamRec.DriftDetector.Detection;
using StreamRec.DriftDetector.Explanation;

namespace StreamRec.DriftDetector.Stage;

/// <summary>
/// Configuration of the DriftDetector stage (section "DriftDetector"), validated at start by
/// <see cref="DriftDetectorOptionsValidator"/>. The statistic's parameters are under
/// "DriftDetector:Detection" (<see cref="DriftParameters"/>), the explanation's under
/// "DriftDetector:Explanation".
/// </summary>
public sealed class DriftDetectorOptions
{
    public const string SectionName = "DriftDetector";

    /// <summary>Kafka consumer group of the stage.</summary>
    public string GroupId { get; set; } = "streamrec-drift";

    /// <summary>The most records per micro-batch (one Redis pipeline of loads and one of writes each).</summary>
    public int MicroBatchSize { get; set; } = 512;

    /// <summary>A micro-batch is processed at the latest this long after its first record arrived.</summary>
    public TimeSpan MicroBatchWait { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// How long a user's state lives in Redis after their last event (data minimisation): an idle user's
    /// interest vectors disappear, and they start again as a new user.
    /// </summary>
    public TimeSpan StateTimeToLive { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Users whose state this process keeps in memory (write-through: Redis always gets every change).
    /// Beyond it, users without unwritten changes are dropped and reloaded from Redis when they return.
    /// </summary>
    public int UserCacheCapacity { get; set; } = 200_000;

    /// <summary>
    /// How many of each user's most recent items to keep in Redis (<c>streamrec:recent:{user}</c>, same TTL)
    /// so that the Recommender can leave them out (always in its joint mode, whose lists go to the user alone;
    /// with Recommender:ExcludeRecentItems in strict mode). 100 by default, since joint mode is the default
    /// and a list that offers what the user has just watched is a poor one; 0 keeps none: the list is more
    /// data about the user (about 15 bytes per item in Redis), and in strict mode excluding items from
    /// private data weakens the recommendations' guarantee (docs/privacy.md).
    /// </summary>
    public int RecentItems { get; set; } = 100;

    public DriftParameters Detection { get; set; } = new();

    public ExplanationOptions Explanation { get; set; } = new();
}
