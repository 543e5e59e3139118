using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StreamRec.Recommender.Stage;

namespace StreamRec.UnitTests.Recommender;

public sealed class RecommenderOptionsTests
{
    /// <summary>A host of the recommend stage configured with <paramref name="settings"/> (not started: starting validates).</summary>
    internal static IHost Host(Dictionary<string, string?> settings)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddRecommenderStage(builder.Configuration);
        return builder.Build();
    }

    [Fact]
    public async Task Host_refuses_to_start_with_impossible_privacy_settings_naming_the_keys()
    {
        using var host = Host(new()
        {
            ["Recommender:EpsilonSelection"] = "0",
            ["Recommender:InterestRate"] = "1.5",
            ["Recommender:TopK"] = "0",
            ["Recommender:BudgetWindow"] = "00:00:00",
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(error.Failures, f => f.StartsWith("Recommender:EpsilonSelection must be a positive number", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Recommender:InterestRate must be in (0, 1]", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Recommender:TopK must be between 1 and 1000", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Recommender:BudgetWindow must be at least 1 s", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_cap_below_one_release_is_refused_because_nothing_could_be_published()
    {
        using var host = Host(new() { ["Recommender:BudgetCap"] = "1", ["Recommender:EpsilonSelection"] = "1", ["Recommender:PublishScores"] = "true", ["Recommender:EpsilonScores"] = "0.5" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal("Recommender:BudgetCap (1) is below the epsilon of one release (1.5): nothing could ever be published.", Assert.Single(error.Failures));
    }

    [Fact]
    public async Task An_unknown_privacy_mode_or_an_impossible_popularity_weight_is_refused_naming_the_key()
    {
        using var host = Host(new() { ["Recommender:Privacy:Mode"] = "lenient", ["Recommender:Privacy:PopularityWeight"] = "1.5" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Recommender:Privacy:Mode must be 'joint' or 'strict' (is 'lenient').", error.Failures);
        Assert.Contains("Recommender:Privacy:PopularityWeight must be in [0, 1] (is 1.5).", error.Failures);
    }

    [Fact]
    public void Joint_mode_is_the_default_with_the_weight_the_offline_measurement_chose()
    {
        using var host = Host([]);

        var options = host.Services.GetRequiredService<IOptions<RecommenderOptions>>().Value;

        Assert.Equal((RecommenderPrivacyOptions.JointMode, 0.1, true), (options.Privacy.Mode, options.Privacy.PopularityWeight, options.IsJoint));
    }

    [Fact]
    public void Strict_mode_is_bound_from_the_privacy_section()
    {
        using var host = Host(new() { ["Recommender:Privacy:Mode"] = "strict", ["Recommender:Privacy:PopularityWeight"] = "0" });

        var options = host.Services.GetRequiredService<IOptions<RecommenderOptions>>().Value;

        Assert.Equal((RecommenderPrivacyOptions.StrictMode, 0.0, false), (options.Privacy.Mode, options.Privacy.PopularityWeight, options.IsJoint));
    }

    [Fact]
    public void A_mistyped_key_is_an_error_that_names_it()
    {
        using var host = Host(new() { ["Recommender:Epsilon"] = "2" });

        var error = Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<IOptions<RecommenderOptions>>().Value);

        Assert.Contains("Epsilon", error.Message, StringComparison.Ordinal);
    }
}
