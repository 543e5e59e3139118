using System.Net;
using System.Text;
using StreamRec.Embedded;
using StreamRec.IntegrationTests.Infrastructure;

namespace StreamRec.IntegrationTests.Observability;

/// <summary>The test harness <see cref="PrometheusServer"/> itself, against a loopback target whose metrics the test writes.</summary>
public sealed class PrometheusServerTests
{
    [Fact]
    public async Task A_real_Prometheus_scrapes_a_loopback_target_and_answers_instant_queries()
    {
        var port = LoopbackPorts.GetFree();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var scrapes = 0;
        using var stop = new CancellationTokenSource();
        var serving = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return; // stopped
                }

                var n = Interlocked.Increment(ref scrapes);
                var body = Encoding.UTF8.GetBytes(
                    $"# TYPE harness_requests_total counter\nharness_requests_total{{stage=\"ingest\"}} {n * 10}\nharness_requests_total{{stage=\"embed\"}} {n * 5}\n");
                context.Response.ContentType = "text/plain; version=0.0.4";
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        });

        try
        {
            using var prometheus = await PrometheusServer.StartAsync($"127.0.0.1:{port}", job: "harness");
            await prometheus.WaitForTargetUpAsync(TimeSpan.FromSeconds(60));

            var series = await prometheus.QueryAsync("harness_requests_total");
            Assert.Equal(["embed", "ingest"], series.Select(s => s.Labels["stage"]).Order(StringComparer.Ordinal));
            Assert.All(series, s => Assert.Equal(("harness", $"127.0.0.1:{port}"), (s.Labels["job"], s.Labels["instance"])));
            Assert.Equal(["harness"], await prometheus.LabelValuesAsync("job", "harness_requests_total"));
            var scalar = Assert.Single(await prometheus.QueryAsync("scalar(vector(2) * 3)"));
            Assert.Equal(6, scalar.Value);
            Assert.True(double.IsNaN(Assert.Single(await prometheus.QueryAsync("vector(0) / 0")).Value));
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => prometheus.QueryAsync("sum(harness_requests_total"));
            Assert.Contains("parse error", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            listener.Stop();
            await serving;
        }
    }
}
