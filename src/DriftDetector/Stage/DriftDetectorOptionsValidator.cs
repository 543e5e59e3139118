using Microsoft.Extensions.Options;

namespace StreamRec.DriftDetector.Stage;

/// <summary>Start-up validation of <see cref="DriftDetectorOptions"/>: every message names the configuration key.</summary>
public sealed class DriftDetectorOptionsValidator : IValidateOptions<DriftDetectorOptions>
{
    public ValidateOptionsResult Validate(string? name, DriftDetectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        const string s = DriftDetectorOptions.SectionName;
        if (string.IsNullOrWhiteSpace(options.GroupId))
        {
            errors.Add($"{s}:GroupId must not be empty.");
        }

        Check(options.MicroBatchSize >= 1, $"{s}:MicroBatchSize must be >= 1 (is {options.MicroBatchSize}).");
        Check(options.MicroBatchWait > TimeSpan.Zero, $"{s}:MicroBatchWait must be positive (is {options.MicroBatchWait}).");
        Check(options.StateTimeToLive >= TimeSpan.FromSeconds(1), $"{s}:StateTimeToLive must be at least 1 s (is {options.StateTimeToLive}).");
        Check(options.UserCacheCapacity >= 1, $"{s}:UserCacheCapacity must be >= 1 (is {options.UserCacheCapacity}).");
        Check(options.RecentItems is >= 0 and <= 1000, $"{s}:RecentItems must be between 0 and 1000 (is {options.RecentItems}).");

        var d = options.Detection;
        const string p = $"{s}:Detection";
        if (d is null)
        {
            errors.Add($"{p} must not be null.");
        }
        else
        {
            Check(d.ShortRate is > 0 and <= 1, $"{p}:ShortRate must be in (0, 1] (is {d.ShortRate}).");
            Check(d.LongRate > 0 && d.LongRate < d.ShortRate, $"{p}:LongRate must be in (0, ShortRate) (is {d.LongRate}, ShortRate {d.ShortRate}).");
            Check(d.DriftStatsRate is > 0 and <= 1, $"{p}:DriftStatsRate must be in (0, 1] (is {d.DriftStatsRate}).");
            Check(double.IsFinite(d.PriorMean), $"{p}:PriorMean must be a finite number (is {d.PriorMean}).");
            Check(d.PriorStandardDeviation > 0 && double.IsFinite(d.PriorStandardDeviation), $"{p}:PriorStandardDeviation must be positive (is {d.PriorStandardDeviation}).");
            Check(d.PriorWeight >= 0 && double.IsFinite(d.PriorWeight), $"{p}:PriorWeight must be >= 0 (is {d.PriorWeight}).");
            Check(d.MinStandardDeviation > 0 && double.IsFinite(d.MinStandardDeviation), $"{p}:MinStandardDeviation must be positive (is {d.MinStandardDeviation}).");
            Check(d.CusumSlack >= 0 && double.IsFinite(d.CusumSlack), $"{p}:CusumSlack must be >= 0 (is {d.CusumSlack}).");
            Check(d.CusumThreshold > 0 && double.IsFinite(d.CusumThreshold), $"{p}:CusumThreshold must be positive (is {d.CusumThreshold}).");
            Check(d.ThresholdGrowth >= 0 && double.IsFinite(d.ThresholdGrowth), $"{p}:ThresholdGrowth must be >= 0 (is {d.ThresholdGrowth}).");
            Check(d.ThresholdGrowthLimit >= 1 && double.IsFinite(d.ThresholdGrowthLimit), $"{p}:ThresholdGrowthLimit must be >= 1 (is {d.ThresholdGrowthLimit}).");
            Check(d.WarmUpEvents >= 0, $"{p}:WarmUpEvents must be >= 0 (is {d.WarmUpEvents}).");
            Check(d.CooldownEvents >= 0, $"{p}:CooldownEvents must be >= 0 (is {d.CooldownEvents}).");
        }

        var e = options.Explanation;
        const string x = $"{s}:Explanation";
        if (e is null)
        {
            errors.Add($"{x} must not be null.");
        }
        else
        {
            Check(e.TopCategories >= 0, $"{x}:TopCategories must be >= 0 (is {e.TopCategories}).");
            Check(e.ExampleItems >= 0, $"{x}:ExampleItems must be >= 0 (is {e.ExampleItems}).");
            Check(e.MinCategoryItems >= 1, $"{x}:MinCategoryItems must be >= 1 (is {e.MinCategoryItems}).");
            Check(e.ItemCapacity >= 0, $"{x}:ItemCapacity must be >= 0 (is {e.ItemCapacity}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);

        void Check(bool valid, string message)
        {
            if (!valid)
            {
                errors.Add(message);
            }
        }
    }
}
