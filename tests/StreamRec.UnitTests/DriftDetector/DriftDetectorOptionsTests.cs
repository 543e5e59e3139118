using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StreamRec.DriftDetector.Stage;

namespace StreamRec.UnitTests.DriftDetector;

public sealed class DriftDetectorOptionsTests
{
    private static IHost Host(Dictionary<string, string?> settings)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddDriftDetectorStage(builder.Configuration);
        return builder.Build();
    }

    [Fact]
    public async Task Host_refuses_to_start_with_impossible_drift_parameters_naming_the_keys()
    {
        using var host = Host(new()
        {
            ["DriftDetector:Detection:LongRate"] = "0.5",
            ["DriftDetector:Detection:ShortRate"] = "0.3",
            ["DriftDetector:Detection:CusumThreshold"] = "0",
            ["DriftDetector:Detection:ThresholdGrowth"] = "-1",
            ["DriftDetector:Detection:ThresholdGrowthLimit"] = "0.5",
            ["DriftDetector:StateTimeToLive"] = "00:00:00",
            ["DriftDetector:Explanation:MinCategoryItems"] = "0",
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(typeof(DriftDetectorOptions), error.OptionsType);
        Assert.Contains(error.Failures, f => f.StartsWith("DriftDetector:Detection:LongRate must be in (0, ShortRate)", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("DriftDetector:Detection:CusumThreshold must be positive", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("DriftDetector:Detection:ThresholdGrowth must be >= 0", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("DriftDetector:Detection:ThresholdGrowthLimit must be >= 1", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("DriftDetector:StateTimeToLive must be at least 1 s", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("DriftDetector:Explanation:MinCategoryItems must be >= 1", StringComparison.Ordinal));
        Assert.Equal(6, error.Failures.Count());
    }

    [Fact]
    public void A_mistyped_key_is_an_error_that_names_it()
    {
        using var host = Host(new() { ["DriftDetector:Detection:CusumTreshold"] = "8" });

        var error = Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<IOptions<DriftDetectorOptions>>().Value);

        Assert.Contains("CusumTreshold", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Configured_values_reach_the_detector_parameters_and_the_rest_keep_their_defaults()
    {
        using var host = Host(new()
        {
            ["DriftDetector:Detection:CusumThreshold"] = "12.5",
            ["DriftDetector:Detection:ShortRate"] = "0.25",
            ["DriftDetector:StateTimeToLive"] = "7.00:00:00",
            ["DriftDetector:Explanation:TopCategories"] = "2",
        });

        var options = host.Services.GetRequiredService<IOptions<DriftDetectorOptions>>().Value;

        Assert.Equal(12.5, options.Detection.CusumThreshold);
        Assert.Equal(0.25f, options.Detection.ShortRate);
        Assert.Equal(new StreamRec.DriftDetector.Detection.DriftParameters().LongRate, options.Detection.LongRate);
        Assert.Equal(TimeSpan.FromDays(7), options.StateTimeToLive);
        Assert.Equal(2, options.Explanation.TopCategories);
        Assert.Equal("streamrec-drift", options.GroupId);
    }
}
