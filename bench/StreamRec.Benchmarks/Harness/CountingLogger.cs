using Microsoft.Extensions.Logging;

namespace StreamRec.Benchmarks.Harness;

/// <summary>
/// The logger the benchmarked stages write to: it counts entries at Warning and above (the soak's "no
/// error logs" criterion) and keeps the first few of them, formatted, to show what they were. Entries
/// below Warning are dropped unformatted. The stages never log user ids (docs/privacy.md), so the kept
/// messages may be printed.
/// </summary>
internal sealed class CountingLogger : ILogger
{
    private const int Kept = 10;

    private readonly List<string> _first = [];
    private long _warnings;
    private long _errors;

    /// <summary>Entries at Warning.</summary>
    public long Warnings => Interlocked.Read(ref _warnings);

    /// <summary>Entries at Error or Critical.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    public IReadOnlyList<string> First
    {
        get
        {
            lock (_first)
            {
                return [.. _first];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!IsEnabled(logLevel))
        {
            return;
        }

        Interlocked.Increment(ref logLevel == LogLevel.Warning ? ref _warnings : ref _errors);
        lock (_first)
        {
            if (_first.Count < Kept)
            {
                _first.Add($"{logLevel} {eventId.Id}: {formatter(state, exception)}");
            }
        }
    }
}
