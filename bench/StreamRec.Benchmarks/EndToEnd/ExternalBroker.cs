using System.Diagnostics;

namespace StreamRec.Benchmarks.EndToEnd;

/// <summary>The embedded broker in a process of its own: <c>streamrec dev-kafka</c> from this build's output.</summary>
internal sealed class ExternalBroker : IDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private ExternalBroker(Process process, string directory, string bootstrapServers)
    {
        _process = process;
        _directory = directory;
        BootstrapServers = bootstrapServers;
    }

    public string BootstrapServers { get; }

    /// <summary>The broker's process id, to read its memory.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Starts it with the given topics (name:partitions) and waits until they exist.</summary>
    public static async Task<ExternalBroker> StartAsync(IReadOnlyList<string> topics)
    {
        var directory = Directory.CreateTempSubdirectory("streamrec-bench-broker-").FullName;
        var bootstrapFile = Path.Combine(directory, "bootstrap");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "streamrec.dll"));
        start.ArgumentList.Add("dev-kafka");
        start.ArgumentList.Add("--bootstrap-file");
        start.ArgumentList.Add(bootstrapFile);
        foreach (var topic in topics)
        {
            start.ArgumentList.Add("--topic");
            start.ArgumentList.Add(topic);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dev-kafka did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!File.Exists(bootstrapFile) || new FileInfo(bootstrapFile).Length == 0)
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"streamrec dev-kafka did not write {bootstrapFile} ({(process.HasExited ? $"exit code {process.ExitCode}" : "timed out")})");
            }

            await Task.Delay(100);
        }

        return new ExternalBroker(process, directory, (await File.ReadAllTextAsync(bootstrapFile)).Trim());
    }

    /// <summary>The broker's resident memory, MiB.</summary>
    public double RssMiB()
    {
        _process.Refresh();
        return _process.WorkingSet64 / 1048576.0;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
