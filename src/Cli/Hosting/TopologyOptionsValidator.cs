using Microsoft.Extensions.Options;

namespace StreamRec.Cli.Hosting;

/// <summary>Checks the <c>Topology</c> section at start; every message names its key.</summary>
public sealed class TopologyOptionsValidator : IValidateOptions<TopologyOptions>
{
    public ValidateOptionsResult Validate(string? name, TopologyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Mode?.ToLowerInvariant() is not (TopologyOptions.Auto or TopologyOptions.Fused or TopologyOptions.Split))
        {
            failures.Add($"{TopologyOptions.SectionName}:{nameof(TopologyOptions.Mode)} is '{options.Mode}': choose {TopologyOptions.Auto}, {TopologyOptions.Fused} or {TopologyOptions.Split}.");
        }

        if (options.Chains is < 1 or > TopologyOptions.MaxChains)
        {
            failures.Add($"{TopologyOptions.SectionName}:{nameof(TopologyOptions.Chains)} is {options.Chains}: it must be 1 to {TopologyOptions.MaxChains} (fused chains in one process; about the node's cores at most pays).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
