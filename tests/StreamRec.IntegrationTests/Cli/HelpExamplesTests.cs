using System.Net;
using StreamRec.Embedded;
using StreamRec.IntegrationTests.Infrastructure;
using StreamRec.Messaging;
using StreamRec.TestSupport;

namespace StreamRec.IntegrationTests.Cli;

/// <summary>
/// Every example in every command's <c>--help</c>, run as written by bash from a copy of the repository's
/// layout (data/models/encoder.onnx, relative paths as in the examples), with <c>streamrec</c> on the PATH
/// and the servers the help says the examples take from the environment: an embedded Kafka broker with
/// StreamRec's topics and a redis-server. The long-running commands (run, dev-kafka) must start, keep
/// running, and stop cleanly (exit 0) on SIGTERM; every other example must finish with exit code 0.
/// </summary>
[Trait(BrokerTrait.Name, BrokerTrait.EmbeddedOnly)]
public sealed class HelpExamplesTests : IDisposable
{
    private static readonly string[] LongRunning = ["run", "dev-kafka"];
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(300);

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("streamrec-examples-");

    public static TheoryData<string, string> Examples()
    {
        var data = new TheoryData<string, string>();
        foreach (var (command, example) in HelpExamples.All())
        {
            data.Add(command, example);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Each_help_example_works_as_written(string command, string example)
    {
        await EnsureModelAsync();
        var models = Directory.CreateDirectory(Path.Combine(_directory.FullName, "data", "models"));
        File.Copy(RepositoryModel, Path.Combine(models.FullName, "encoder.onnx"));
        var bin = Directory.CreateDirectory(Path.Combine(_directory.FullName, "bin"));
        var pidFile = Path.Combine(_directory.FullName, "streamrec.pid");
        var shim = Path.Combine(bin.FullName, "streamrec");
        // exec keeps the pid: the test signals streamrec itself, as a terminal's Ctrl-C or Kubernetes would.
        await File.WriteAllTextAsync(shim, $"#!/bin/sh\necho $$ > '{pidFile}'\nexec dotnet '{Path.Combine(AppContext.BaseDirectory, "streamrec.dll")}' \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(shim, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        using var kafka = new EmbeddedKafkaCluster();
        foreach (var topic in new TopicNames().All)
        {
            kafka.CreateTopic(topic, partitions: 2);
        }

        using var redis = await RedisServerProcess.StartAsync();
        var port = LoopbackPorts.GetFree();
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = $"{bin.FullName}:{Environment.GetEnvironmentVariable("PATH")}",
            ["STREAMREC__Kafka__BootstrapServers"] = kafka.BootstrapServers,
            ["STREAMREC__Redis__Configuration"] = redis.ConnectionString,
            // The examples use the default port, 9400; tests running side by side each need their own.
            ["STREAMREC__Observability__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };

        using var process = ExternalProcess.Start("bash", environment, "-c", $"cd '{_directory.FullName}' && {example}");
        if (!LongRunning.Contains(command))
        {
            await process.WaitForExitAsync(Deadline);
            Assert.True(process.ExitCode == 0, $"'{example}' exited {process.ExitCode}\n{process.StandardOutput}\n{process.StandardError}");
            return;
        }

        var started = command == "run" ? "streamrec: running" : "bootstrap.servers=";
        await Eventually.TrueAsync(() => process.HasExited || process.StandardOutput.Contains(started, StringComparison.Ordinal), Deadline,
            () => $"'{example}' to start\n{process.StandardOutput}\n{process.StandardError}");
        if (command == "run")
        {
            using var http = new HttpClient();
            using var health = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/healthz"));
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        // Started is not enough: a stage that fails on its first poll ends the process a moment later.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.False(process.HasExited, $"'{example}' exited ({process.ExitCodeOrNone})\n{process.StandardOutput}\n{process.StandardError}");

        var pid = (await File.ReadAllTextAsync(pidFile)).Trim();
        using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", pid]))
        {
            await kill.WaitForExitAsync();
        }

        await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == 0, $"'{example}' exited {process.ExitCode} on SIGTERM\n{process.StandardOutput}\n{process.StandardError}");
    }

    public void Dispose() => _directory.Delete(recursive: true);

    private static string RepositoryModel => RepositoryFiles.Path("data", "models", "encoder.onnx");

    private static readonly SemaphoreSlim Training = new(1, 1);

    /// <summary>The model scripts/setup.sh leaves in data/models; trained here, as demo and eval would, when it is missing.</summary>
    private static async Task EnsureModelAsync()
    {
        await Training.WaitAsync();
        try
        {
            if (!File.Exists(RepositoryModel))
            {
                using var train = ExternalProcess.StartStreamRec("train-encoder", "--holdout", "0", "--model", RepositoryModel);
                await train.WaitForExitAsync(Deadline);
                Assert.True(train.ExitCode == 0, $"train-encoder exited {train.ExitCode}\n{train.StandardError}");
            }
        }
        finally
        {
            Training.Release();
        }
    }
}
