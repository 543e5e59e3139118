using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StreamRec.Messaging;
using StreamRec.Observability.Health;
using StreamRec.Observability.Hosting;

namespace StreamRec.TestSupport;

/// <summary>A host with StreamRec's observability registration and endpoints on a loopback port, as a worker serves them.</summary>
internal sealed class MetricsTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _http = new();

    private MetricsTestHost(WebApplication app) => _app = app;

    public static async Task<MetricsTestHost> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Observability:ListenAddress"] = "127.0.0.1" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddStreamRecObservability(builder.Configuration, new ReadinessTargets([], NeedsRedis: false));
        var app = builder.Build();
        app.MapStreamRecEndpoints();
        await app.StartAsync();
        return new MetricsTestHost(app);
    }

    /// <summary>The host's StreamRec meter and shared instruments: what a test records there is what this host serves.</summary>
    public StreamRecMetrics Metrics => _app.Services.GetRequiredService<StreamRecMetrics>();

    /// <summary>The host's services (its consumer registry, its readiness monitor).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>The text of <c>/metrics</c> as Prometheus' text format (no OpenMetrics negotiation).</summary>
    public async Task<string> ScrapeAsync() => await _http.GetStringAsync(new Uri(new Uri(_app.Urls.First()), "/metrics"));

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
