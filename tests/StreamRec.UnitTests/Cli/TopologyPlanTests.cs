using StreamRec.Cli.Hosting;

namespace StreamRec.UnitTests.Cli;

public sealed class TopologyPlanTests
{
    private static TopologyPlan Plan(string mode, string stages, out string? error) =>
        TopologyPlan.For(new TopologyOptions { Mode = mode }, StageSelection.Parse(stages), out error);

    [Theory]
    [InlineData("auto", "ingest,embed,drift,recommend", "ingest,embed,drift,recommend")]
    [InlineData("auto", "ingest,embed,drift", "")]
    [InlineData("Fused", "ingest,embed,drift", "ingest,embed,drift")]
    [InlineData("fused", "drift,recommend", "drift,recommend")]
    [InlineData("fused", "drift", "")]
    [InlineData("split", "ingest,embed,drift,recommend", "")]
    public void Stages_are_fused_when_the_mode_and_the_stages_call_for_it(string mode, string stages, string fused)
    {
        var plan = Plan(mode, stages, out var error);

        Assert.Null(error);
        Assert.Equal(fused, plan.IsFused ? plan.Fused.ToString() : "");
    }

    [Theory]
    [InlineData("ingest,drift")]
    [InlineData("embed,recommend")]
    [InlineData("ingest,embed,recommend")]
    public void Fusing_stages_with_a_gap_is_an_error_naming_the_key_and_nothing_is_fused(string stages)
    {
        var plan = Plan("fused", stages, out var error);

        Assert.False(plan.IsFused);
        Assert.NotNull(error);
        Assert.StartsWith("Topology:Mode:", error, StringComparison.Ordinal);
        Assert.Contains($"--stages {StageSelection.Parse(stages)}", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("auto", true)]
    [InlineData("SPLIT", true)]
    [InlineData("fuse", false)]
    [InlineData("", false)]
    public void The_mode_is_validated_and_a_wrong_one_names_the_key(string mode, bool valid)
    {
        var result = new TopologyOptionsValidator().Validate(null, new TopologyOptions { Mode = mode });

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.StartsWith("Topology:Mode is", result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(4, true)]
    [InlineData(TopologyOptions.MaxChains, true)]
    [InlineData(0, false)]
    [InlineData(TopologyOptions.MaxChains + 1, false)]
    public void The_chains_are_validated_and_a_wrong_count_names_the_key(int chains, bool valid)
    {
        var result = new TopologyOptionsValidator().Validate(null, new TopologyOptions { Chains = chains });

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.StartsWith("Topology:Chains is", result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("auto", "ingest,embed,drift,recommend", 3)]
    [InlineData("split", "ingest,embed,drift,recommend", 1)]
    [InlineData("auto", "drift,recommend", 1)]
    public void Chains_apply_to_fused_stages_only(string mode, string stages, int chains)
    {
        var plan = TopologyPlan.For(new TopologyOptions { Mode = mode, Chains = 3 }, StageSelection.Parse(stages), out _);

        Assert.Equal(chains, plan.Chains);
    }
}
