using Microsoft.Extensions.Logging;

namespace StreamRec.Recommender;

/// <summary>
/// Source-generated log messages of StreamRec.Recommender. Event ids 500-599 belong to this assembly.
/// No message carries a user pseudonym, an item of a user, or any other payload value.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 500, Level = LogLevel.Information,
        Message = "Recommend stage: K={TopK}, epsilon {EpsilonSelection} for the selection{ScoresNote}, sensitivity {Sensitivity} (2 x a {InterestRate} x w_max {MaxEventWeight}), budget {BudgetCap} per {BudgetWindow}")]
    public static partial void Started(ILogger logger, int topK, double epsilonSelection, string scoresNote, double sensitivity, double interestRate, double maxEventWeight, double budgetCap, TimeSpan budgetWindow);

    [LoggerMessage(EventId = 502, Level = LogLevel.Debug,
        Message = "Recommend stage: {Mutations} mutation(s): {Published} release(s) published ({Republished} again), {Refused} refused by the budget, {Skipped} without candidates")]
    public static partial void BatchProcessed(ILogger logger, int mutations, int published, int republished, int refused, int skipped);

    [LoggerMessage(EventId = 503, Level = LogLevel.Information,
        Message = "Recommend stage: catalog of model {ModelVersion} holds {Items} item(s) ({Skipped} skipped as damaged)")]
    public static partial void CatalogLoaded(ILogger logger, string modelVersion, int items, long skipped);

    [LoggerMessage(EventId = 504, Level = LogLevel.Information,
        Message = "Recommend stage (schedule): slot {Slot} released for {Releases} user(s) ({Republished} published before)")]
    public static partial void SlotReleased(ILogger logger, long slot, int releases, int republished);

    [LoggerMessage(EventId = 505, Level = LogLevel.Information,
        Message = "Recommend stage: joint mode, K={TopK}, popularity weight {PopularityWeight} over the billboard; no per-user epsilon is spent (Recommender:Privacy:Mode = strict for event-level private releases)")]
    public static partial void StartedJoint(ILogger logger, int topK, double popularityWeight);
}
