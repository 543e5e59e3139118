using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StreamRec.Observability.Health;

namespace StreamRec.Observability.Hosting;

/// <summary>
/// The three endpoints every StreamRec process serves: <c>/metrics</c> (OpenTelemetry's Prometheus
/// exporter, collected at the scrape), <c>/healthz</c> (alive: 200 until the process is stopping) and <c>/readyz</c> (200 when
/// Kafka is connected, partitions are assigned and Redis answers; 503 naming what is not, and whether the
/// process is only still starting; JSON body).
/// </summary>
public static class ObservabilityEndpoints
{
    public static IEndpointRouteBuilder MapStreamRecEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPrometheusScrapingEndpoint("/metrics");
        endpoints.MapGet("/healthz", new RequestDelegate(HealthAsync));
        endpoints.MapGet("/readyz", new RequestDelegate(ReadyAsync));
        return endpoints;
    }

    private static Task HealthAsync(HttpContext context)
    {
        var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested;
        context.Response.StatusCode = stopping ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(stopping ? "stopping\n" : "ok\n", context.RequestAborted);
    }

    private static Task ReadyAsync(HttpContext context)
    {
        var report = context.RequestServices.GetRequiredService<ReadinessMonitor>().Latest;
        context.Response.StatusCode = report.Ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = JsonSerializer.Serialize(new ReadinessBody(report.Ready, report.State, report.At, report.Checks), ObservabilityJsonContext.Default.ReadinessBody);
        return context.Response.WriteAsync(body + "\n", context.RequestAborted);
    }
}
