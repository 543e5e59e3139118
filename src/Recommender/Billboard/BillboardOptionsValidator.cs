using Microsoft.Extensions.Options;
using StreamRec.Recommender.Privacy;
using StreamRec.Recommender.Stage;

namespace StreamRec.Recommender.Billboard;

/// <summary>
/// Start-up validation of <see cref="BillboardOptions"/>; <see cref="RecommenderOptionsValidator"/> runs
/// it on its nested section, so every message names the full key (<c>Recommender:Billboard:Window</c>).
/// </summary>
public sealed class BillboardOptionsValidator : IValidateOptions<BillboardOptions>
{
    /// <summary>
    /// The largest node scale: the stored node noise is 32-bit (BillboardStore), and at this scale a
    /// discrete Laplace sample beyond 2^31 has probability below e^-128.
    /// </summary>
    public const long MaxNodeScale = 1L << 24;

    public ValidateOptionsResult Validate(string? name, BillboardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = Errors(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>What is wrong with <paramref name="options"/>, each message naming its key; empty when nothing.</summary>
    public static List<string> Errors(BillboardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        const string s = RecommenderOptions.SectionName + ":" + BillboardOptions.SectionName;
        var epsilonValid = options.EpsilonPerWindow > 0 && double.IsFinite(options.EpsilonPerWindow);
        Check(epsilonValid, $"{s}:EpsilonPerWindow must be a positive number (is {options.EpsilonPerWindow}).");
        Check(options.ReleasesPerWindow is >= 1 and <= 100_000, $"{s}:ReleasesPerWindow must be between 1 and 100000 (is {options.ReleasesPerWindow}).");
        Check(options.MaxItemsPerUser is >= 1 and <= 10_000, $"{s}:MaxItemsPerUser must be between 1 and 10000 (is {options.MaxItemsPerUser}).");
        Check(options.Clusters is >= 1 and <= 1000, $"{s}:Clusters must be between 1 and 1000 (is {options.Clusters}).");
        Check(!string.IsNullOrWhiteSpace(options.GroupId), $"{s}:GroupId must not be empty.");
        Check(options.MicroBatchSize >= 1, $"{s}:MicroBatchSize must be >= 1 (is {options.MicroBatchSize}).");
        Check(options.Window >= TimeSpan.FromSeconds(1), $"{s}:Window must be at least 1 s (is {options.Window}).");
        if (options.Window >= TimeSpan.FromSeconds(1) && options.ReleasesPerWindow is >= 1 and <= 100_000)
        {
            // Steps are whole milliseconds so that every replica computes the same step boundaries.
            Check(options.Window.Ticks % (options.ReleasesPerWindow * TimeSpan.TicksPerMillisecond) == 0,
                $"{s}:Window ({options.Window}) must divide into ReleasesPerWindow ({options.ReleasesPerWindow}) steps of whole milliseconds.");
        }

        if (epsilonValid && options.ReleasesPerWindow >= 1 && options.MaxItemsPerUser >= 1)
        {
            var scale = Math.Ceiling(options.MaxItemsPerUser * BinaryTreeCounter.LevelsFor(options.ReleasesPerWindow) / options.EpsilonPerWindow);
            Check(scale <= MaxNodeScale,
                $"{s}:EpsilonPerWindow ({options.EpsilonPerWindow}) is too small for MaxItemsPerUser {options.MaxItemsPerUser} and ReleasesPerWindow {options.ReleasesPerWindow}: the node noise scale {scale} exceeds {MaxNodeScale}.");
        }

        return errors;

        void Check(bool valid, string message)
        {
            if (!valid)
            {
                errors.Add(message);
            }
        }
    }
}
