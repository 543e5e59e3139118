using Microsoft.Extensions.Logging;

namespace StreamRec.Recommender;

/// <summary>The billboard's log messages (event ids 550-569). None carries a pseudonym or an item of a user.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 550, Level = LogLevel.Information,
        Message = "Billboard: epsilon {Epsilon} per window of {Window}, {Steps} releases per window, at most {MaxItems} items per user, {Clusters} clusters, node noise scale {NodeScale}")]
    public static partial void BillboardStarted(ILogger logger, double epsilon, TimeSpan window, int steps, int maxItems, int clusters, long nodeScale);

    [LoggerMessage(EventId = 551, Level = LogLevel.Information,
        Message = "Billboard: model {ModelVersion} released version {Version}: {Clusters} cluster(s) x {Items} item(s)")]
    public static partial void BillboardReleased(ILogger logger, string modelVersion, string version, int clusters, int items);

    [LoggerMessage(EventId = 552, Level = LogLevel.Debug,
        Message = "Billboard: model {ModelVersion} step {Version} was released by another replica")]
    public static partial void BillboardReleasedElsewhere(ILogger logger, string modelVersion, string version);

    [LoggerMessage(EventId = 553, Level = LogLevel.Information,
        Message = "Billboard: model {ModelVersion} has no public catalog item yet; nothing is counted or released for it")]
    public static partial void BillboardNoCatalog(ILogger logger, string modelVersion);

    [LoggerMessage(EventId = 554, Level = LogLevel.Debug,
        Message = "Billboard: {Events} event(s): {Counted} counted, {Duplicate} already counted, {Refused} refused by the bound, {NotInCatalog} not in the public catalog, {Invalid} unreadable")]
    public static partial void BillboardBatch(ILogger logger, int events, long counted, long duplicate, long refused, long notInCatalog, long invalid);
}
