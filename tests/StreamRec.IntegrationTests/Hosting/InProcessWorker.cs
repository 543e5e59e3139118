using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StreamRec.Cli.Hosting;
using StreamRec.Embedded;
using StreamRec.Messaging;
using StreamRec.Messaging.Health;

namespace StreamRec.IntegrationTests.Hosting;

/// <summary>
/// A <c>streamrec run</c> host (<see cref="WorkerHost"/>) built in the test's process, with its own topics
/// and groups, every log entry recorded, and an HTTP client for its endpoints. Several can run in one
/// process, as tests do: each has its own meter and consumer registry.
/// </summary>
internal sealed class InProcessWorker : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private InProcessWorker(WebApplication app, int port, TopicNames topics, LogRecorder logs)
    {
        _app = app;
        Port = port;
        Topics = topics;
        Logs = logs;
    }

    public int Port { get; }

    public TopicNames Topics { get; }

    public LogRecorder Logs { get; }

    public StreamRecMetrics Metrics => _app.Services.GetRequiredService<StreamRecMetrics>();

    public ConsumerStatusRegistry Consumers => _app.Services.GetRequiredService<ConsumerStatusRegistry>();

    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Builds the host (not started: <see cref="StartAsync"/>), its topics created by <paramref name="createTopic"/>;
    /// <paramref name="settings"/> are added over the defaults below.
    /// </summary>
    public static InProcessWorker Build(
        StageSelection stages, KafkaOptions kafka, Action<string> createTopic, string prefix, string? redis = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var port = LoopbackPorts.GetFree();
        var topics = WorkerProcess.Topics(prefix);
        foreach (var topic in topics.All)
        {
            createTopic(topic);
        }

        var configuration = new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = kafka.BootstrapServers,
            ["Kafka:Consumer:statistics.interval.ms"] = "1000",
            ["Kafka:Topics:Raw"] = topics.Raw, ["Kafka:Topics:Clean"] = topics.Clean, ["Kafka:Topics:Embedded"] = topics.Embedded,
            ["Kafka:Topics:DeadLetter"] = topics.DeadLetter, ["Kafka:Topics:Mutations"] = topics.Mutations,
            ["Kafka:Topics:Recommendations"] = topics.Recommendations, ["Kafka:Topics:Catalog"] = topics.Catalog,
            ["Kafka:Topics:Billboard"] = topics.Billboard, ["Recommender:Billboard:GroupId"] = prefix + "billboard",
            ["Ingest:GroupId"] = prefix + "ingest", ["Ingest:PseudonymKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["DriftDetector:GroupId"] = prefix + "drift",
            ["Observability:ListenAddress"] = "127.0.0.1", ["Observability:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in kafka.Consumer)
        {
            configuration.TryAdd($"Kafka:Consumer:{key}", value);
        }

        if (redis is not null)
        {
            configuration["Redis:Configuration"] = redis;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var app = WorkerHost.Build(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build(), stages);
        var logs = new LogRecorder();
        app.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);
        return new InProcessWorker(app, port, topics, logs);
    }

    public Task StartAsync() => _app.StartAsync();

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

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Every entry the host logs, by category, in order.</summary>
    internal sealed class LogRecorder : ILoggerProvider
    {
        public ConcurrentQueue<(string Category, LogLevel Level, EventId EventId, string Message)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Recorder(LogRecorder owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Entries.Enqueue((category, logLevel, eventId, formatter(state, exception)));
        }
    }
}
