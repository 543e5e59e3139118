using Microsoft.Extensions.Logging;

namespace StreamRec.DriftDetector;

/// <summary>
/// Source-generated log messages of StreamRec.DriftDetector. Event ids 400-499 belong to this assembly.
/// No message carries a user pseudonym or any other payload value: records are named by topic,
/// partition and offset, mutations by their id only at debug level.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 400, Level = LogLevel.Information,
        Message = "Drift stage: state TTL {TimeToLive}, user cache {UserCacheCapacity}, a_s={ShortRate} a_l={LongRate} k={Slack} h={Threshold} warm-up {WarmUp} cool-down {Cooldown}")]
    public static partial void Started(ILogger logger, TimeSpan timeToLive, int userCacheCapacity, float shortRate, float longRate, double slack, double threshold, int warmUp, int cooldown);

    [LoggerMessage(EventId = 402, Level = LogLevel.Debug,
        Message = "Drift stage: {Events} event(s), {Applied} applied, {Replayed} already applied, {Mutations} mutation(s), {Loaded} user state(s) loaded, {Written} to write")]
    public static partial void BatchProcessed(ILogger logger, int events, int applied, int replayed, int mutations, int loaded, int written);

    [LoggerMessage(EventId = 403, Level = LogLevel.Warning,
        Message = "Drift stage: {Refused} state write(s) refused by Redis because a newer state of the same partition is stored (another consumer wrote it)")]
    public static partial void WritesRefused(ILogger logger, int refused);

    [LoggerMessage(EventId = 404, Level = LogLevel.Information,
        Message = "Drift stage: {Count} partition(s) {How}; {Users} cached user state(s) dropped")]
    public static partial void CacheDropped(ILogger logger, int count, string how, int users);

    [LoggerMessage(EventId = 405, Level = LogLevel.Warning,
        Message = "Drift stage: the explanation item table is full ({Capacity} items); new items are not added (DriftDetector:Explanation:ItemCapacity)")]
    public static partial void ItemTableFull(ILogger logger, int capacity);
}
