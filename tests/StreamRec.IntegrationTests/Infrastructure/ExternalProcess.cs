using System.Diagnostics;
using System.Text;

namespace StreamRec.IntegrationTests.Infrastructure;

/// <summary>
/// A child process whose output is captured, for tests that drive the real <c>streamrec</c> executable
/// or a real Kafka client (kcat) from outside the test process.
/// </summary>
public sealed class ExternalProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private ExternalProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public string StandardOutput => Read(_stdout);

    public string StandardError => Read(_stderr);

    /// <summary>Starts <c>dotnet streamrec.dll ARGS</c> (the CLI is built next to the tests).</summary>
    public static ExternalProcess StartStreamRec(params string[] arguments) => StartStreamRec(null, arguments);

    /// <summary>The same, with extra environment variables (e.g. <c>STREAMREC__Section__Key</c>).</summary>
    public static ExternalProcess StartStreamRec(IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "streamrec.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: the test project must reference src/Cli");
        return Start("dotnet", environment, [dll, .. arguments]);
    }

    public static ExternalProcess Start(string program, params string[] arguments) => Start(program, null, arguments);

    public static ExternalProcess Start(string program, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        try
        {
            return new ExternalProcess(Process.Start(start)!);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"Cannot start '{program}' ({e.Message}); scripts/setup.sh installs the tools the tests use.", e);
        }
    }

    /// <summary>Runs a process to completion and returns its exit code; fails the test on timeout.</summary>
    public static async Task<ExternalProcess> RunAsync(string program, string? standardInput, TimeSpan timeout, params string[] arguments)
    {
        var process = Start(program, arguments);
        if (standardInput is not null)
        {
            await process._process.StandardInput.WriteAsync(standardInput);
        }

        process._process.StandardInput.Close();
        await process.WaitForExitAsync(timeout);
        return process;
    }

    public int ExitCode => _process.ExitCode;

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, or "running", for messages.</summary>
    public string ExitCodeOrNone => _process.HasExited ? $"exit code {_process.ExitCode}" : "running";

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException(
                $"{_process.StartInfo.FileName} {string.Join(' ', _process.StartInfo.ArgumentList)} did not exit within {timeout}.\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}");
        }

        _process.WaitForExit(); // drains the asynchronous output readers
    }

    /// <summary>Sends SIGTERM, as Kubernetes does to stop a pod.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (buffer)
        {
            buffer.AppendLine(line);
        }
    }

    private static string Read(StringBuilder buffer)
    {
        lock (buffer)
        {
            return buffer.ToString();
        }
    }
}
