using System.Diagnostics;
using System.Globalization;

namespace StreamRec.Replay.Terminal;

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

    /// <summary>
    /// Shows <paramref name="done"/> of the total; the rate (and the eta from it) is the average since the
    /// start unless the caller passes a current one in <paramref name="rate"/>.
    /// </summary>
    public void Report(long done, string? detail = null, bool force = false, double? rate = null)
    {
        var now = _clock.Elapsed;
        var interval = _interactive ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromSeconds(2);
        if (!force && _lastPrint is { } last && now - last < interval)
        {
            return;
        }

        _lastPrint = now;
        var perSecond = rate ?? done / Math.Max(now.TotalSeconds, 1e-3);
        var percent = total > 0 ? 100.0 * done / total : 0;
        // Capped: a rate near zero would make the eta overflow TimeSpan.
        var eta = perSecond > 0 && total > done ? TimeSpan.FromSeconds(Math.Min((total - done) / perSecond, 359_999)) : TimeSpan.Zero;
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{label}: {done:N0}/{total:N0} ({percent:0.0}%)  {perSecond:N0}/s  elapsed {now:mm\\:ss}  eta {eta:mm\\:ss}{(detail is null ? "" : "  " + detail)}");
        if (_interactive)
        {
            // A line longer than the terminal wraps, and "\r" would then rewrite only its last row.
            var width = Math.Max(Console.WindowWidth - 1, 20);
            Console.Error.Write("\r" + (text.Length > width ? text[..width] : text.PadRight(width)));
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
