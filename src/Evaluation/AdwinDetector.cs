using StreamRec.DriftDetector.Detection;

namespace StreamRec.Evaluation;

/// <summary>
/// ADWIN (Bifet and Gavaldà 2007, river's <c>drift.ADWIN</c> with its defaults: clock 32, 5 buckets
/// per row, sub-windows of at least 5, grace period 10; see <see cref="AdaptiveWindow"/>) on StreamRec's
/// drift d (<see cref="WindowOnDriftDetector"/>). The swept threshold is δ: lower means fewer alarms. An
/// alarm is a cut whose newer sub-window has the HIGHER mean of d, an increase: s moving away from l is
/// what a change of interest looks like, while a decrease (d falling back, as it does after every
/// l &lt;- s) is expected and only shrinks the window, as in river. The score is
/// <see cref="AdaptiveWindow.Evidence"/> at the last check: the largest increase of the mean beyond ε_cut,
/// positive exactly when an increase is cut.
/// </summary>
public sealed class AdwinDetector : WindowOnDriftDetector
{
    private readonly AdaptiveWindow _window;

    /// <param name="parameters">Rates, warm-up and cool-down (StreamRec's).</param>
    /// <param name="dimension">D.</param>
    /// <param name="delta">ADWIN's confidence δ in (0, 1).</param>
    public AdwinDetector(DriftParameters parameters, int dimension, double delta)
        : base(parameters, dimension) => _window = new AdaptiveWindow(delta);

    protected override (double Score, bool Increase) Observe(double drift)
    {
        _window.Update(drift);
        return (_window.Evidence, _window.IncreaseDetected);
    }

    protected override void EmptyWindow() => _window.Clear();

    protected override void StartUser() => _window.Clear();
}
