using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace StreamRec.Embedded;

/// <summary>
/// A real redis-server child process on a loopback port, for the demo and the integration tests. It runs
/// in the foreground (not daemonized) so this process owns it and stops it on <see cref="Dispose"/>, and
/// also when this process exits without disposing it (Main returning while a shutdown is still under way,
/// e.g. after a Ctrl-C whose cleanup outlasted the command line's termination timeout). A SIGKILL of this
/// process cannot be caught: the server is then left running.
/// </summary>
public sealed class RedisServerProcess : IDisposable
{
    private readonly string _executable;
    private readonly bool _appendOnly;
    private readonly IReadOnlyList<string> _extraArguments;
    private readonly string? _ownedDataDirectory;
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new(); // Dispose and the process-exit handler may run at once
    private Process _process;
    private bool _disposed;

    private RedisServerProcess(string executable, int port, string dataDirectory, string? ownedDataDirectory, bool appendOnly, IReadOnlyList<string> extraArguments)
    {
        _executable = executable;
        _appendOnly = appendOnly;
        _extraArguments = extraArguments;
        Port = port;
        DataDirectory = dataDirectory;
        _ownedDataDirectory = ownedDataDirectory;
        _process = Launch();
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    public int Port { get; }

    /// <summary>The server's process id (it changes with <see cref="CrashAndRestartAsync"/>).</summary>
    public int ProcessId => _process.Id;

    public string DataDirectory { get; }

    /// <summary>StackExchange.Redis configuration string for this server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public bool HasExited => _process.HasExited;

    /// <summary>Starts redis-server and waits until it answers PING.</summary>
    public static async Task<RedisServerProcess> StartAsync(RedisServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new RedisServerOptions();
        var executable = options.Executable ?? FindExecutable();
        var ownedDirectory = options.DataDirectory is null ? Directory.CreateTempSubdirectory("streamrec-redis-").FullName : null;
        var dataDirectory = options.DataDirectory ?? ownedDirectory!;

        // A port found free can be taken before redis binds it; retry a few times on a fresh port.
        const int attempts = 5;
        for (var attempt = 1; ; attempt++)
        {
            var port = options.Port != 0 ? options.Port : LoopbackPorts.GetFree();
            var server = new RedisServerProcess(executable, port, dataDirectory, ownedDirectory, options.AppendOnly, options.ExtraArguments);
            try
            {
                await server.WaitUntilReadyAsync(options.StartTimeout, cancellationToken).ConfigureAwait(false);
                return server;
            }
            catch (InvalidOperationException) when (attempt < attempts && options.Port == 0 && server.HasExited)
            {
                server.Stop();
            }
            catch
            {
                server.Dispose();
                throw;
            }
        }
    }

    /// <summary>
    /// Kills the server with SIGKILL (no shutdown, as in a crash) and starts it again on the same port and
    /// data directory; with <see cref="RedisServerOptions.AppendOnly"/> it reloads its append-only file.
    /// </summary>
    public async Task CrashAndRestartAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        Kill();
        await RestartAsync(timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Kills the server with SIGKILL and leaves it down (an outage) until <see cref="RestartAsync"/>.</summary>
    public void Kill()
    {
        lock (_gate)
        {
            Stop();
        }
    }

    /// <summary>Starts the killed server again on the same port and data directory.</summary>
    public async Task RestartAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_process.HasExited)
            {
                throw new InvalidOperationException("The server is running; Kill() it first.");
            }

            _process.Dispose();
            _process = Launch();
        }

        await WaitUntilReadyAsync(timeout ?? TimeSpan.FromSeconds(15), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the server and deletes the data directory it created.</summary>
    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Stop();
            _process.Dispose();
        }

        if (_ownedDataDirectory is not null && Directory.Exists(_ownedDataDirectory))
        {
            Directory.Delete(_ownedDataDirectory, recursive: true);
        }
    }

    private void OnProcessExit(object? sender, EventArgs e)
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                Stop();
            }
        }
    }

    private void Stop()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    private Process Launch()
    {
        var start = new ProcessStartInfo(_executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = DataDirectory,
        };
        foreach (var argument in new[]
                 {
                     "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--bind", "127.0.0.1",
                     "--save", "",
                     "--appendonly", _appendOnly ? "yes" : "no",
                     "--appendfsync", "everysec",
                     "--dir", DataDirectory,
                     "--daemonize", "no",
                 }.Concat(_extraArguments))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {_executable}.");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new InvalidOperationException(
                    $"redis-server exited with code {_process.ExitCode} while starting on port {Port}:\n{Output()}");
            }

            if (await AnswersPingAsync(cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"redis-server on port {Port} did not answer PING within {timeout}:\n{Output()}");
            }

            await Task.Delay(25, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<bool> AnswersPingAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port, cancellationToken).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            // "-LOADING" while an AOF is replayed: not ready yet.
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    /// <summary>The path of <paramref name="name"/> (redis-server, redis-cli) on PATH, /usr/bin or /usr/local/bin.</summary>
    /// <exception cref="FileNotFoundException">It is not installed.</exception>
    internal static string FindExecutable(string name = "redis-server")
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var directory in path.Split(':', StringSplitOptions.RemoveEmptyEntries).Append("/usr/bin").Append("/usr/local/bin"))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException(
            $"{name} was not found on PATH. Install it with 'apt-get install -y redis-server redis-tools' (scripts/setup.sh does this).",
            name);
    }
}
