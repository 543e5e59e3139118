using System.Net;
using System.Security.Cryptography;
using StreamRec.Embedded;
using StreamRec.IntegrationTests.Infrastructure;
using StreamRec.Messaging;

namespace StreamRec.IntegrationTests.Hosting;

/// <summary>
/// A real <c>streamrec run</c> process on the embedded broker and a given Redis, with its own topics and
/// consumer groups (so tests sharing the broker stay apart), and an HTTP client for its endpoints.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private WorkerProcess(ExternalProcess process, int port)
    {
        Process = process;
        Port = port;
    }

    public ExternalProcess Process { get; }

    public int Port { get; }

    public static TopicNames Topics(string prefix) => new()
    {
        Raw = prefix + "raw", Clean = prefix + "clean", Embedded = prefix + "embedded", DeadLetter = prefix + "dlq",
        Mutations = prefix + "mutations", Recommendations = prefix + "recommendations", Catalog = prefix + "catalog",
        Billboard = prefix + "billboard",
    };

    /// <summary>Starts the worker with a fresh pseudonym key; <paramref name="settings"/> are added as --Key=value arguments after the defaults below.</summary>
    public static WorkerProcess Start(string stages, string bootstrapServers, string redis, string prefix, string modelPath, params string[] settings) =>
        StartWithKey(RandomNumberGenerator.GetBytes(32), stages, bootstrapServers, redis, prefix, modelPath, settings);

    /// <summary>Starts the worker with the given pseudonym key (workers of one pipeline, or the lives of one worker, share it).</summary>
    public static WorkerProcess StartWithKey(byte[] pseudonymKey, string stages, string bootstrapServers, string redis, string prefix, string modelPath, params string[] settings)
    {
        var port = LoopbackPorts.GetFree();
        var topics = Topics(prefix);
        string[] arguments =
        [
            "run", "--stages", stages,
            $"--Kafka:BootstrapServers={bootstrapServers}",
            $"--Kafka:Consumer:session.timeout.ms=6000", $"--Kafka:Consumer:heartbeat.interval.ms=500",
            $"--Kafka:Consumer:statistics.interval.ms=1000",
            $"--Kafka:Topics:Raw={topics.Raw}", $"--Kafka:Topics:Clean={topics.Clean}", $"--Kafka:Topics:Embedded={topics.Embedded}",
            $"--Kafka:Topics:DeadLetter={topics.DeadLetter}", $"--Kafka:Topics:Mutations={topics.Mutations}",
            $"--Kafka:Topics:Recommendations={topics.Recommendations}", $"--Kafka:Topics:Catalog={topics.Catalog}",
            $"--Kafka:Topics:Billboard={topics.Billboard}",
            $"--Redis:Configuration={redis}",
            $"--Ingest:GroupId={prefix}ingest", $"--Embedder:GroupId={prefix}embed", $"--DriftDetector:GroupId={prefix}drift",
            $"--Recommender:GroupId={prefix}recommend", $"--Recommender:Billboard:GroupId={prefix}billboard",
            $"--Embedder:ModelPath={modelPath}",
            $"--Observability:ListenAddress=127.0.0.1", $"--Observability:Port={port}",
            .. settings,
        ];
        var environment = new Dictionary<string, string>
        {
            // The secret comes the way a Kubernetes Secret brings it: an environment variable.
            ["STREAMREC__Ingest__PseudonymKey"] = Convert.ToBase64String(pseudonymKey),
        };
        return new WorkerProcess(ExternalProcess.StartStreamRec(environment, arguments), port);
    }

    /// <summary>An HTTP client for a worker started some other way (e.g. from a rendered Deployment), serving on <paramref name="port"/>.</summary>
    public static WorkerProcess Attach(ExternalProcess process, int port) => new(process, port);

    public async Task<(HttpStatusCode Status, string Body)> GetAsync(string path)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri($"http://127.0.0.1:{Port}{path}"));
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        catch (HttpRequestException e)
        {
            return (0, e.Message); // not listening yet
        }
    }

    /// <summary>Polls <paramref name="path"/> until it answers <paramref name="status"/>; fails with the process's output.</summary>
    public async Task<string> WaitForAsync(string path, HttpStatusCode status, TimeSpan timeout, Func<string, bool>? body = null)
    {
        (HttpStatusCode Status, string Body) last = (0, "");
        await Eventually.TrueAsync(async () =>
        {
            Assert.False(Process.HasExited, $"streamrec run exited ({Process.ExitCodeOrNone})\n{Process.StandardOutput}\n{Process.StandardError}");
            last = await GetAsync(path);
            return last.Status == status && (body is null || body(last.Body));
        }, timeout, () => $"{path} to answer {(int)status}; it last answered {(int)last.Status}: {last.Body}\n--- process output, last lines:\n{Log(Process.StandardOutput, 60)}");
        return last.Body;
    }

    /// <summary>The last <paramref name="lines"/> lines of the process's log, without the Kafka clients' own error reports (event 105), which would crowd out the stages' lines in an outage.</summary>
    private static string Log(string text, int lines)
    {
        var kept = text.Split('\n').Where(line => !line.Contains("Worker[105]", StringComparison.Ordinal)).ToArray();
        return string.Join('\n', kept[Math.Max(0, kept.Length - lines)..]);
    }

    public void Dispose()
    {
        _http.Dispose();
        Process.Dispose();
    }
}
