using Microsoft.Extensions.Options;
using StreamRec.Recommender.Billboard;

namespace StreamRec.Recommender.Stage;

/// <summary>Start-up validation of <see cref="RecommenderOptions"/>: every message names the configuration key.</summary>
public sealed class RecommenderOptionsValidator : IValidateOptions<RecommenderOptions>
{
    public ValidateOptionsResult Validate(string? name, RecommenderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        const string s = RecommenderOptions.SectionName;
        Check(options.Trigger is RecommenderOptions.MutationTrigger or RecommenderOptions.ScheduleTrigger,
            $"{s}:Trigger must be '{RecommenderOptions.MutationTrigger}' or '{RecommenderOptions.ScheduleTrigger}' (is '{options.Trigger}').");
        const string p = $"{s}:{RecommenderPrivacyOptions.SectionName}";
        Check(options.Privacy is { Mode: RecommenderPrivacyOptions.JointMode or RecommenderPrivacyOptions.StrictMode },
            $"{p}:Mode must be '{RecommenderPrivacyOptions.JointMode}' or '{RecommenderPrivacyOptions.StrictMode}' (is '{options.Privacy?.Mode}').");
        Check(options.Privacy is { PopularityWeight: >= 0 and <= 1 },
            $"{p}:PopularityWeight must be in [0, 1] (is {options.Privacy?.PopularityWeight}).");
        Check(options.ScheduleInterval >= TimeSpan.FromSeconds(1), $"{s}:ScheduleInterval must be at least 1 s (is {options.ScheduleInterval}).");
        Check(!string.IsNullOrWhiteSpace(options.GroupId), $"{s}:GroupId must not be empty.");
        Check(options.MicroBatchSize >= 1, $"{s}:MicroBatchSize must be >= 1 (is {options.MicroBatchSize}).");
        Check(options.MicroBatchWait > TimeSpan.Zero, $"{s}:MicroBatchWait must be positive (is {options.MicroBatchWait}).");
        Check(options.TopK is >= 1 and <= 1000, $"{s}:TopK must be between 1 and 1000 (is {options.TopK}).");
        Check(Positive(options.EpsilonSelection), $"{s}:EpsilonSelection must be a positive number (is {options.EpsilonSelection}).");
        Check(!options.PublishScores || Positive(options.EpsilonScores), $"{s}:EpsilonScores must be a positive number when PublishScores is on (is {options.EpsilonScores}).");
        Check(Positive(options.BudgetCap), $"{s}:BudgetCap must be a positive number (is {options.BudgetCap}).");
        Check(!Positive(options.BudgetCap) || options.BudgetCap >= options.EpsilonPerRelease,
            $"{s}:BudgetCap ({options.BudgetCap}) is below the epsilon of one release ({options.EpsilonPerRelease}): nothing could ever be published.");
        Check(options.BudgetWindow >= TimeSpan.FromSeconds(1), $"{s}:BudgetWindow must be at least 1 s (is {options.BudgetWindow}).");
        Check(options.InterestRate is > 0 and <= 1, $"{s}:InterestRate must be in (0, 1] (is {options.InterestRate}); it must equal DriftDetector:Detection:ShortRate.");
        Check(options.MaxEventWeight is > 0 and <= 1, $"{s}:MaxEventWeight must be in (0, 1] (is {options.MaxEventWeight}).");
        Check(options.CatalogRefreshInterval >= TimeSpan.Zero, $"{s}:CatalogRefreshInterval must not be negative (is {options.CatalogRefreshInterval}).");
        errors.AddRange(BillboardOptionsValidator.Errors(options.Billboard));
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);

        void Check(bool valid, string message)
        {
            if (!valid)
            {
                errors.Add(message);
            }
        }

        static bool Positive(double value) => value > 0 && double.IsFinite(value);
    }
}
