using System.Globalization;

namespace StreamRec.Recommender.Billboard;

/// <summary>
/// The billboard's working state in Redis. Every key of one (model, window) carries the same Redis
/// Cluster hash tag <c>{MODEL@WINDOWSTART}</c>, so the counting script, which touches the window's count
/// hash and its users' records together, runs on one slot:
/// <list type="bullet">
/// <item><c>...:frame</c>: the window's public catalog items and centroids (<see cref="BillboardFrame"/>), SET NX.</item>
/// <item><c>...:counts</c>: hash of exact distinct-user counts, field <c>{cluster}:{item}</c>.</item>
/// <item><c>...:user:{PSEUDONYM}</c>: hash, the user's cluster (field <c>cluster</c>) and the items counted
/// for them (fields <c>item:{ITEM}</c>): the contribution bound, kept across restarts and replicas.</item>
/// <item><c>...:noise:{LEVEL}:{INDEX}</c>: one tree node's noise for every (cluster, item), SET NX: drawn once.</item>
/// <item><c>...:lock:{STEP}</c>: who releases the step, SET NX.</item>
/// <item><c>...:release</c> and <c>...:release-step</c>: the window's latest release (noisy counts) and its step.</item>
/// </list>
/// Everything expires two windows (three for the release, which the next window's snapshots add) after
/// it is written. Only pseudonyms appear in keys, never raw user ids. Outside the window's tag:
/// <c>streamrec:billboard:models</c> (the model versions seen in events) and
/// <c>streamrec:billboard:{MODEL}:centroids:{N}</c> (centroids per catalog size, shared across windows).
/// </summary>
public static class BillboardKeys
{
    /// <summary>The set of encoder model versions seen in events: the billboards to release.</summary>
    public const string Models = "streamrec:billboard:models";

    public static string Centroids(string modelVersion, int items) =>
        $"streamrec:billboard:{modelVersion}:centroids:{items.ToString(CultureInfo.InvariantCulture)}";

    public static string Frame(string modelVersion, long windowStart) => Window(modelVersion, windowStart) + ":frame";

    public static string Counts(string modelVersion, long windowStart) => Window(modelVersion, windowStart) + ":counts";

    public static string User(string modelVersion, long windowStart, string user) => Window(modelVersion, windowStart) + ":user:" + user;

    public static string Noise(string modelVersion, long windowStart, int level, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{Window(modelVersion, windowStart)}:noise:{level}:{index}");

    public static string Lock(string modelVersion, long windowStart, int step) =>
        string.Create(CultureInfo.InvariantCulture, $"{Window(modelVersion, windowStart)}:lock:{step}");

    public static string Release(string modelVersion, long windowStart) => Window(modelVersion, windowStart) + ":release";

    public static string ReleaseStep(string modelVersion, long windowStart) => Window(modelVersion, windowStart) + ":release-step";

    private static string Window(string modelVersion, long windowStart) =>
        string.Create(CultureInfo.InvariantCulture, $"streamrec:billboard:{{{modelVersion}@{windowStart}}}");
}
