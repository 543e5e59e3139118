using System.Runtime.InteropServices;

namespace StreamRec.Replay.Terminal;

/// <summary>
/// Handles the first SIGINT (Ctrl-C) or SIGTERM itself: cancels <see cref="Token"/> and remembers the
/// signal, so that the command stops cleanly at its own pace and exits as a shell expects of a process
/// stopped by that signal (128 + its number: 130, 143). A second signal is left to the command line's own
/// handler, which ends the process within seconds: an impatient user can always force it.
/// <para>
/// The runtime calls the newest registration first and stops at the first that handles the signal, so
/// this must be created after the command line has registered its handler (it does so once the action
/// has returned its task). Created earlier, it never hears a signal; the command line's handler still
/// cancels the command's token, which <see cref="Token"/> follows, and the exit code is then 130.
/// </para>
/// </summary>
public sealed class TerminationSignal : IDisposable
{
    private const int SigInt = 2;
    private const int SigTerm = 15;

    private readonly CancellationTokenSource _stop;
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;
    private int _received;

    public TerminationSignal(CancellationToken commandToken)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(commandToken);
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => OnSignal(context, SigInt));
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => OnSignal(context, SigTerm));
    }

    /// <summary>Cancelled on the first signal (or when the command's own token is).</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>130 after Ctrl-C (also when the signal was not seen here), 143 after SIGTERM.</summary>
    public int ExitCode => 128 + (Volatile.Read(ref _received) is SigTerm ? SigTerm : SigInt);

    public string Description => Volatile.Read(ref _received) switch
    {
        SigInt => "Ctrl-C",
        SigTerm => "SIGTERM",
        _ => "termination signal",
    };

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _stop.Dispose();
    }

    private void OnSignal(PosixSignalContext context, int signal)
    {
        if (Interlocked.CompareExchange(ref _received, signal, 0) == 0)
        {
            context.Cancel = true;
            _stop.Cancel();
        }
    }
}
