using System.Globalization;
using System.Text.RegularExpressions;
using StreamRec.IntegrationTests.Infrastructure;

namespace StreamRec.IntegrationTests.Cli;

[Trait(BrokerTrait.Name, BrokerTrait.EmbeddedOnly)]
public sealed partial class DemoCommandTests
{
    /// <summary>The demo's shortened mode, as CI runs it: 40 users' whole histories (about 7,000 events).</summary>
    private static readonly string[] Shortened = ["--users", "40"];

    [Fact]
    public async Task Demo_runs_the_four_stages_on_the_embedded_defaults_and_reconciles_counts()
    {
        using var report = new TemporaryReport();
        using var demo = ExternalProcess.StartStreamRec("demo", "--limit", "5000", "--report", report.Path);
        await demo.WaitForExitAsync(TimeSpan.FromSeconds(300));

        Assert.True(demo.ExitCode == 0, $"exit {demo.ExitCode}\n{demo.StandardOutput}\n{demo.StandardError}");
        Assert.Contains("embedded Kafka broker at 127.0.0.1:", demo.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("redis-server at 127.0.0.1:", demo.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("5,000 delivered, 0 failed", demo.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("5,000 consumed = 5,000 forwarded (pseudonymised) + 0 dead-lettered", demo.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("embedder              5,000 embeddings", demo.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("drift detector        5,000 consumed = 5,000 applied + 0 already applied + 0 dead-lettered", demo.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"recommender           (\d+) mutations -> \1 joint-mode releases", demo.StandardOutput); // the default mode
        Assert.Contains("pipeline:", demo.StandardError, StringComparison.Ordinal); // progress output
    }

    [Fact]
    public async Task Demo_trains_an_encoder_first_when_there_is_none()
    {
        var model = Path.Combine(Path.GetTempPath(), $"streamrec-demo-{Guid.NewGuid():N}.onnx");
        using var report = new TemporaryReport();
        try
        {
            using var demo = ExternalProcess.StartStreamRec("demo", "--limit", "2000", "--model", model, "--report", report.Path);
            await demo.WaitForExitAsync(TimeSpan.FromSeconds(400));

            Assert.True(demo.ExitCode == 0, $"exit {demo.ExitCode}\n{demo.StandardOutput}\n{demo.StandardError}");
            Assert.Contains($"no encoder at {model}; training one", demo.StandardOutput, StringComparison.Ordinal);
            Assert.True(File.Exists(model), "the trained encoder was not written");
            Assert.Contains("embedder              2,000 embeddings", demo.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(model);
        }
    }

    [Fact]
    public async Task Shortened_demo_explains_a_detected_mutation_shows_its_recommendation_and_writes_a_report_with_plots()
    {
        using var report = new TemporaryReport();
        using var demo = ExternalProcess.StartStreamRec(["demo", .. Shortened, "--report", report.Path]);
        await demo.WaitForExitAsync(TimeSpan.FromSeconds(300));

        var output = demo.StandardOutput;
        var context = $"exit {demo.ExitCode}\n{output}\n{demo.StandardError}";
        Assert.True(demo.ExitCode == 0, context);
        var counts = RecommenderLine().Match(output);
        Assert.True(counts.Success, context);
        Assert.True(int.Parse(counts.Groups["mutations"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) >= 1, context);
        Assert.True(int.Parse(counts.Groups["releases"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) >= 1, context);

        // Each showcased user is one block: a heading line, then its explanation and recommendation lines.
        var blocks = Regex.Split(output[output.IndexOf("\nInterest mutations (", StringComparison.Ordinal)..], @"\n(?=  user )").Skip(1).ToList();
        Assert.True(blocks.Count >= 1, context);
        Assert.All(blocks, block => Assert.Matches(MutationHeading(), block));
        Assert.True(blocks.Any(IsFullyExplained),
            $"no showcased mutation names categories that rose and fell, titles before and after, and recommended titles:\n{context}");

        // Live progress on stderr: handled events, the rate, lag and what the pipeline published.
        Assert.Matches(ProgressLine(), demo.StandardError);

        Assert.Contains($"Report: {report.Path}", output, StringComparison.Ordinal);
        Assert.True(File.Exists(report.Path), context);
        var html = await File.ReadAllTextAsync(report.Path);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.True(Regex.Count(html, "<svg ") >= 5, "the report has fewer than five plots");
        Assert.Equal(Regex.Count(html, "<svg "), Regex.Count(html, "</svg>"));
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http", html, StringComparison.OrdinalIgnoreCase); // nothing fetched when it is opened
        Assert.Matches(@"<h3>User [0-9a-f]+…: mutation on \d{4}-\d{2}-\d{2}", html);
    }

    [Fact]
    public async Task Ctrl_C_while_replaying_stops_the_demo_with_130_and_leaves_no_redis_server_behind()
    {
        using var report = new TemporaryReport();
        // Paced, so that the replay is still running when the signal comes.
        using var demo = StartInterruptible(["demo", .. Shortened, "--rate", "400", "--report", report.Path]);
        await WaitUntilAsync(demo, () => demo.StandardError.Contains("replaying", StringComparison.Ordinal), "the demo replaying");
        var redis = RedisServerOf(demo);
        Assert.True(RedisServerRunning(redis), $"redis-server {redis} is not running while the demo replays");

        var context = await StopAsync(demo, () => InterruptAsync(demo), 130, "Ctrl-C");

        Assert.DoesNotContain("StreamRec demo summary", demo.StandardOutput, StringComparison.Ordinal);
        Assert.False(RedisServerRunning(redis), $"redis-server {redis} outlived the demo\n{context}");
    }

    [Fact]
    public async Task Ctrl_C_while_the_encoder_trains_stops_the_demo_with_130_before_anything_is_written()
    {
        var model = Path.Combine(Path.GetTempPath(), $"streamrec-demo-{Guid.NewGuid():N}.onnx");
        using var report = new TemporaryReport();
        using var demo = StartInterruptible("demo", "--users", "5", "--model", model, "--report", report.Path);
        await WaitUntilAsync(demo, () => demo.StandardError.Contains("train-encoder:", StringComparison.Ordinal), "the encoder training");

        await StopAsync(demo, () => InterruptAsync(demo), 130, "Ctrl-C");

        Assert.DoesNotContain("redis-server at", demo.StandardOutput, StringComparison.Ordinal);
        Assert.False(File.Exists(model), "an interrupted training wrote a model");
        Assert.False(File.Exists(report.Path), "an interrupted demo wrote a report");
    }

    [Fact]
    public async Task SIGTERM_stops_the_demo_with_143_and_leaves_no_redis_server_behind()
    {
        using var report = new TemporaryReport();
        using var demo = StartInterruptible(["demo", .. Shortened, "--rate", "400", "--report", report.Path]);
        await WaitUntilAsync(demo, () => demo.StandardOutput.Contains("demo: replaying", StringComparison.Ordinal), "the demo replaying");
        var redis = RedisServerOf(demo);

        var context = await StopAsync(demo, () =>
        {
            demo.Terminate();
            return Task.CompletedTask;
        }, 143, "SIGTERM");

        Assert.False(RedisServerRunning(redis), $"redis-server {redis} outlived the demo\n{context}");
    }

    private static Task WaitUntilAsync(ExternalProcess demo, Func<bool> condition, string what) =>
        Eventually.TrueAsync(condition, TimeSpan.FromSeconds(120), () => $"{what}\n{demo.StandardOutput}\n{demo.StandardError}");

    /// <summary>
    /// Signals the demo and checks that it took the graceful path: it exits within the deadline with the
    /// signal's exit code, after saying it was interrupted and that it stopped cleanly. Returns its output.
    /// </summary>
    private static async Task<string> StopAsync(ExternalProcess demo, Func<Task> signal, int exitCode, string description)
    {
        await signal();
        await demo.WaitForExitAsync(TimeSpan.FromSeconds(30));

        var context = $"exit {demo.ExitCode}\n{demo.StandardOutput}\n{demo.StandardError}";
        Assert.True(demo.ExitCode == exitCode, context);
        Assert.Contains($"demo: interrupted ({description})", demo.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("demo: stopped cleanly", demo.StandardOutput, StringComparison.Ordinal);
        return context;
    }

    private static bool IsFullyExplained(string block) =>
        Regex.IsMatch(block, @"^    more:   [\w-]+ [+-]\d\.\d\d", RegexOptions.Multiline)
        && Regex.IsMatch(block, @"^    less:   [\w-]+ [+-]\d\.\d\d", RegexOptions.Multiline)
        && Regex.IsMatch(block, @"^    before: .+\(\d{4}\)", RegexOptions.Multiline)
        && Regex.IsMatch(block, @"^    after:  .+\(\d{4}\)", RegexOptions.Multiline)
        && Regex.IsMatch(block, @"^    recommended \((epsilon [\d.]+ spent, [\d.]+ left in the window|joint mode, (billboard \S+|no billboard yet))\): .+\(\d{4}\)", RegexOptions.Multiline);

    /// <summary>
    /// Starts the demo with SIGINT at its default action: a process started in the background by a
    /// non-interactive shell (as CI runners do) inherits SIGINT ignored, and then Ctrl-C could not reach it.
    /// env execs the CLI, so the process id is the demo's own.
    /// </summary>
    private static ExternalProcess StartInterruptible(params string[] arguments)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "streamrec.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: the test project must reference src/Cli");
        return ExternalProcess.Start("env", ["--default-signal=INT", "dotnet", dll, .. arguments]);
    }

    /// <summary>Sends SIGINT, as Ctrl-C in a terminal does.</summary>
    private static async Task InterruptAsync(ExternalProcess process)
    {
        using var kill = await ExternalProcess.RunAsync("kill", null, TimeSpan.FromSeconds(10), "-INT", process.Id.ToString(CultureInfo.InvariantCulture));
        Assert.True(kill.ExitCode == 0, $"kill -INT {process.Id} failed: {kill.StandardError}");
    }

    /// <summary>The redis-server the demo started, from its "redis-server at 127.0.0.1:PORT (pid N, ...)" line.</summary>
    private static (int Pid, int Port) RedisServerOf(ExternalProcess demo)
    {
        var line = RedisLine().Match(demo.StandardOutput);
        Assert.True(line.Success, $"no redis-server line in the demo's output:\n{demo.StandardOutput}");
        return (int.Parse(line.Groups["pid"].Value, CultureInfo.InvariantCulture), int.Parse(line.Groups["port"].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Whether a redis-server serves the demo's port: its own process id still running redis-server (not a
    /// reused id), or any redis-server process whose command line names the port. Other tests' servers use
    /// other ports.
    /// </summary>
    private static bool RedisServerRunning((int Pid, int Port) redis)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            string commandLine;
            try
            {
                commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // the process exited while the directory was listed
            }

            // redis-server retitles itself "redis-server 127.0.0.1:PORT"; before that its arguments hold "--port PORT".
            var port = redis.Port.ToString(CultureInfo.InvariantCulture);
            if (commandLine.Contains("redis-server", StringComparison.Ordinal)
                && (pid == redis.Pid || Regex.IsMatch(commandLine, $@"(:|--port ){port}(\s|$)")))
            {
                return true;
            }
        }

        return false;
    }

    [GeneratedRegex(@"recommender\s+(?<mutations>[\d,]+) mutations -> (?<releases>[\d,]+) (private|joint-mode) releases")]
    private static partial Regex RecommenderLine();

    [GeneratedRegex(@"^  user [0-9a-f]+…  mutation on \d{4}-\d{2}-\d{2}, after [\d,]+ events, score \d+\.\d \(threshold [\d.]+\)$", RegexOptions.Multiline)]
    private static partial Regex MutationHeading();

    [GeneratedRegex(@"pipeline: [\d,]+/[\d,]+ \(\d+\.\d%\)  [\d,]+/s  .*lag [\d,]+  mutations [\d,]+  recommendations [\d,]+  epsilon [\d.]+")]
    private static partial Regex ProgressLine();

    [GeneratedRegex(@"redis-server at 127\.0\.0\.1:(?<port>\d+) \(pid (?<pid>\d+),")]
    private static partial Regex RedisLine();

    /// <summary>A report path of the test's own, deleted afterwards (never the default under the working directory).</summary>
    private sealed class TemporaryReport : IDisposable
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("streamrec-demo-report-").FullName;

        public string Path => System.IO.Path.Combine(_directory, "demo-report.html");

        public void Dispose() => Directory.Delete(_directory, recursive: true);
    }
}
