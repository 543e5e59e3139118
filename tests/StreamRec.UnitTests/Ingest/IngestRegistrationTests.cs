using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StreamRec.Ingest;

namespace StreamRec.UnitTests.Ingest;

public sealed class IngestRegistrationTests
{
    [Fact]
    public async Task Host_refuses_to_start_ingest_without_a_pseudonym_key_naming_the_key()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Ingest:MaxEventBytes"] = "10" });
        builder.Services.AddIngestStage(builder.Configuration);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(typeof(IngestOptions), error.OptionsType);
        Assert.Contains(error.Failures, failure => failure.StartsWith("Ingest:PseudonymKey is required", StringComparison.Ordinal));
        Assert.Contains(error.Failures, failure => failure.StartsWith("Ingest:MaxEventBytes must be between", StringComparison.Ordinal));
    }

    [Fact]
    public void Configured_values_are_bound_from_the_ingest_section()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ingest:PseudonymKey"] = Convert.ToBase64String(new byte[32]),
            ["Ingest:EventTypeWeights:like"] = "0.4",
            ["Ingest:MaxClockSkew"] = "00:01:00",
        });
        builder.Services.AddIngestStage(builder.Configuration);
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<IOptions<IngestOptions>>().Value;

        Assert.Equal(0.4f, options.EventTypeWeights["like"]);
        Assert.Equal(1.0f, options.EventTypeWeights["purchase"]); // defaults kept alongside added types
        Assert.Equal(TimeSpan.FromMinutes(1), options.MaxClockSkew);
    }
}
