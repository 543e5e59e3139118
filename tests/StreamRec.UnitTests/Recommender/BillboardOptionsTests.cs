using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StreamRec.Recommender.Billboard;

namespace StreamRec.UnitTests.Recommender;

/// <summary>The billboard's options are the Recommender's section "Billboard": bound and validated with it, every message naming the key.</summary>
public sealed class BillboardOptionsTests
{
    private static IHost Host(Dictionary<string, string?> settings) => RecommenderOptionsTests.Host(settings);

    [Fact]
    public async Task Impossible_billboard_settings_stop_the_start_naming_the_keys()
    {
        using var host = Host(new()
        {
            ["Recommender:Billboard:EpsilonPerWindow"] = "0",
            ["Recommender:Billboard:ReleasesPerWindow"] = "7",
            ["Recommender:Billboard:Window"] = "00:00:01",
            ["Recommender:Billboard:MaxItemsPerUser"] = "0",
            ["Recommender:Billboard:Clusters"] = "0",
            ["Recommender:Billboard:GroupId"] = " ",
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(error.Failures, f => f.StartsWith("Recommender:Billboard:EpsilonPerWindow must be a positive number", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Recommender:Billboard:Window (00:00:01) must divide into ReleasesPerWindow (7) steps", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Recommender:Billboard:MaxItemsPerUser must be between 1 and 10000", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Recommender:Billboard:Clusters must be between 1 and 1000", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Recommender:Billboard:GroupId must not be empty", StringComparison.Ordinal));
    }

    [Fact]
    public void Defaults_are_a_daily_window_of_hourly_releases_and_valid()
    {
        var options = new BillboardOptions();

        Assert.True(options.Enabled);
        Assert.Equal((1.0, TimeSpan.FromDays(1), 24, 32, 8, "streamrec-billboard"),
            (options.EpsilonPerWindow, options.Window, options.ReleasesPerWindow, options.MaxItemsPerUser, options.Clusters, options.GroupId));
        Assert.Equal(3_600_000, new BillboardWindows(options).StepMs);
        Assert.Empty(BillboardOptionsValidator.Errors(options));
    }

    [Fact]
    public void A_budget_whose_noise_would_overflow_the_stored_nodes_is_refused()
    {
        var errors = BillboardOptionsValidator.Errors(new BillboardOptions { EpsilonPerWindow = 1e-6 });

        Assert.StartsWith("Recommender:Billboard:EpsilonPerWindow (1E-06) is too small", Assert.Single(errors), StringComparison.Ordinal);
    }
}
