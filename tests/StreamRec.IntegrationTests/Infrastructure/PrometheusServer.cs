using System.Globalization;
using System.Net;
using System.Text.Json;
using StreamRec.Embedded;

namespace StreamRec.IntegrationTests.Infrastructure;

/// <summary>
/// A real Prometheus server (Debian's <c>prometheus</c>, installed by scripts/setup.sh) on a free loopback
/// port, scraping one target every second into a temporary storage folder, queried through its HTTP API.
/// Ready in well under a second, but the first scrape lands only after about 6 s (the discovery
/// refresh), so tests wait with <see cref="WaitForTargetUpAsync"/> before asserting on data. Disposing
/// kills the server and deletes its folder.
/// </summary>
public sealed class PrometheusServer : IDisposable
{
    private readonly ExternalProcess _process;
    private readonly string _directory;
    private readonly HttpClient _http;

    private PrometheusServer(ExternalProcess process, string directory, Uri address, string job)
    {
        _process = process;
        _directory = directory;
        Address = address;
        Job = job;
        _http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
    }

    public Uri Address { get; }

    /// <summary>The scrape job's name: the <c>job</c> label of every series scraped.</summary>
    public string Job { get; }

    /// <summary>What the server logged (it logs to stderr), for failure messages.</summary>
    public string Log => _process.StandardError;

    /// <summary>Starts a server that scrapes <paramref name="target"/> (host:port, path /metrics) every second, and waits until it is ready.</summary>
    public static async Task<PrometheusServer> StartAsync(string target, string job = "streamrec", TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        var directory = Path.Combine(Path.GetTempPath(), $"streamrec-prometheus-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var config = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: {job}
                static_configs:
                  - targets: ['{target}']
            """);

        // The free port may be taken before the server binds it: then the server exits and we retry.
        for (var attempt = 1; ; attempt++)
        {
            var address = new Uri($"http://127.0.0.1:{LoopbackPorts.GetFree()}/");
            var process = ExternalProcess.Start("prometheus",
                $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(directory, "data")}",
                $"--web.listen-address={address.Authority}", "--log.level=warn");
            var server = new PrometheusServer(process, directory, address, job);
            while (!process.HasExited && DateTime.UtcNow < deadline && !await server.IsReadyAsync())
            {
                await Task.Delay(50);
            }

            if (!process.HasExited && await server.IsReadyAsync())
            {
                return server;
            }

            server.Dispose(deleteDirectory: false);
            if (attempt >= 3 || DateTime.UtcNow >= deadline)
            {
                Directory.Delete(directory, recursive: true);
                throw new InvalidOperationException($"prometheus did not become ready on {address} (attempt {attempt}):\n{process.StandardError}");
            }
        }
    }

    /// <summary>Waits until the scrape job's target has been scraped successfully (<c>up == 1</c>).</summary>
    public async Task WaitForTargetUpAsync(TimeSpan timeout)
    {
        var last = "no answer";
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var samples = await QueryAsync($"up{{job=\"{Job}\"}}");
            if (samples.Any(s => s.Value == 1))
            {
                return;
            }

            last = samples.Count == 0 ? "no up series yet" : string.Join("; ", samples);
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Prometheus did not scrape its target within {timeout.TotalSeconds:0} s ({last}).\nprometheus log:\n{Log}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>
    /// An instant query (/api/v1/query) evaluated now: the samples of a vector result, or the one value
    /// of a scalar. A query Prometheus rejects (bad PromQL) throws with Prometheus' error message.
    /// </summary>
    public async Task<IReadOnlyList<PrometheusSample>> QueryAsync(string promql)
    {
        using var document = await GetAsync($"api/v1/query?query={Uri.EscapeDataString(promql)}", promql);
        var data = document.RootElement.GetProperty("data");
        var result = data.GetProperty("result");
        return data.GetProperty("resultType").GetString() switch
        {
            "vector" => result.EnumerateArray().Select(element => new PrometheusSample(
                element.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal),
                ParseValue(element.GetProperty("value")))).ToList(),
            "scalar" => [new PrometheusSample(new Dictionary<string, string>(), ParseValue(result))],
            var other => throw new InvalidOperationException($"Query '{promql}' returned a {other}, not an instant vector or scalar."),
        };
    }

    /// <summary>The values of <paramref name="label"/> among the series matching <paramref name="match"/> (what a Grafana <c>label_values</c> variable lists).</summary>
    public async Task<IReadOnlyList<string>> LabelValuesAsync(string label, string match)
    {
        using var document = await GetAsync($"api/v1/label/{Uri.EscapeDataString(label)}/values?match[]={Uri.EscapeDataString(match)}", $"label_values({match}, {label})");
        return document.RootElement.GetProperty("data").EnumerateArray().Select(v => v.GetString() ?? "").ToList();
    }

    public void Dispose() => Dispose(deleteDirectory: true);

    private async Task<JsonDocument> GetAsync(string pathAndQuery, string what)
    {
        using var response = await _http.GetAsync(new Uri(pathAndQuery, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        var document = JsonDocument.Parse(body);
        if (response.StatusCode != HttpStatusCode.OK || document.RootElement.GetProperty("status").GetString() != "success")
        {
            var error = document.RootElement.TryGetProperty("error", out var e) ? e.GetString() : body;
            document.Dispose();
            throw new InvalidOperationException($"Prometheus rejected {what}: {error}");
        }

        return document;
    }

    private async Task<bool> IsReadyAsync()
    {
        try
        {
            using var response = await _http.GetAsync(new Uri("-/ready", UriKind.Relative));
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private void Dispose(bool deleteDirectory)
    {
        _process.Dispose(); // kills the server
        _http.Dispose();
        if (deleteDirectory && Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>A sample value as the API writes it: [time, "value"], the value a string that may be NaN or ±Inf.</summary>
    private static double ParseValue(JsonElement pair) => pair[1].GetString() switch
    {
        "NaN" => double.NaN,
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        var text => double.Parse(text!, NumberStyles.Float, CultureInfo.InvariantCulture),
    };
}
