using System.Diagnostics;
using System.Globalization;

namespace StreamRec.Cli.Terminal;

/// <summary>
/// Progress of long work on stderr: rewritten in place on a terminal, one line per interval when the
/// output is redirected (CI logs stay readable).
/// </summary>
public sealed class ProgressLine(string label, long total)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly bool _interactive = !Console.IsErrorRedirected;
    private TimeSpan? _lastPrint;

    public TimeSpan Elapsed => _clock.Elapsed;

    public void Report(long done, string? detail = null, bool force = false)
    {
        var now = _clock.Elapsed;
        var interval = _interactive ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromSeconds(2);
        if (!force && _lastPrint is { } last && now - last < interval)
        {
            return;
        }

        _lastPrint = now;
        var rate = done / Math.Max(now.TotalSeconds, 1e-3);
        var percent = total > 0 ? 100.0 * done / total : 0;
        var eta = rate > 0 && total > done ? TimeSpan.FromSeconds((total - done) / rate) : TimeSpan.Zero;
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{label}: {done:N0}/{total:N0} ({percent:0.0}%)  {rate:N0}/s  elapsed {now:mm\\:ss}  eta {eta:mm\\:ss}{(detail is null ? "" : "  " + detail)}");
        if (_interactive)
        {
            Console.Error.Write("\r" + text.PadRight(Math.Min(Console.WindowWidth - 1, 140)));
        }
        else
        {
            Console.Error.WriteLine(text);
        }
    }

    public void Complete(long done, string? detail = null)
    {
        Report(done, detail, force: true);
        if (_interactive)
        {
            Console.Error.WriteLine();
        }
    }
}
