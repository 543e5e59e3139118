namespace StreamRec.Storage;

/// <summary>
/// Where the DriftDetector keeps each user's state in Redis, for the detector (which writes it) and the
/// Recommender (which reads it for scheduled releases and to exclude recent items):
/// <list type="bullet">
/// <item><c>streamrec:user:{PSEUDONYM}</c>: a string, the <see cref="DriftStateRecord"/>.</item>
/// <item><c>streamrec:recent:{PSEUDONYM}</c>: a sorted set of the user's most recent items by input offset
/// (kept only when DriftDetector:RecentItems &gt; 0).</item>
/// </list>
/// The braces are a Redis Cluster hash tag, so every key of a user lands on one slot. Only pseudonyms
/// reach Redis, never raw user ids.
/// </summary>
public static class DriftStateKeys
{
    /// <summary>A SCAN pattern that matches every user's drift state (and nothing else).</summary>
    public const string UserPattern = "streamrec:user:{*}";

    public static string User(string user) => $"streamrec:user:{{{user}}}";

    public static string RecentItems(string user) => $"streamrec:recent:{{{user}}}";
}
