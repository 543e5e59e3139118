using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StreamRec.Embedder.Embedding;
using StreamRec.Embedder.Stage;

namespace StreamRec.UnitTests.Embedding;

public sealed class EmbedderRegistrationTests
{
    [Fact]
    public async Task Host_refuses_to_start_with_an_invalid_embedder_configuration_naming_the_keys()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Embedder:MaxBatchSize"] = "0" });
        builder.Services.AddEmbedderStage(builder.Configuration);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(typeof(EmbedderOptions), error.OptionsType);
        Assert.Contains(error.Failures, failure => failure.StartsWith("Embedder:ModelPath is required", StringComparison.Ordinal));
        Assert.Contains(error.Failures, failure => failure.StartsWith("Embedder:MaxBatchSize must be >= 1", StringComparison.Ordinal));
    }
}
