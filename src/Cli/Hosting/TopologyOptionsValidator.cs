using Microsoft.Extensions.Options;

namespace StreamRec.Cli.Hosting;

/// <summary>Checks the <c>Topology</c> section at start; every message names its key.</summary>
public sealed class TopologyOptionsValidator : IValidateOptions<TopologyOptions>
{
    public ValidateOptionsResult Validate(string? name, TopologyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Mode?.ToLowerInvariant() is TopologyOptions.Auto or TopologyOptions.Fused or TopologyOptions.Split
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{TopologyOptions.SectionName}:{nameof(TopologyOptions.Mode)} is '{options.Mode}': choose {TopologyOptions.Auto}, {TopologyOptions.Fused} or {TopologyOptions.Split}.");
    }
}
