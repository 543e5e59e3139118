using StreamRec.DriftDetector.Detection;

namespace StreamRec.Evaluation;

/// <summary>
/// KSWIN (Raab, Heusinger and Schleif 2020, river's <c>drift.KSWIN</c> with its defaults: window 100,
/// statistic sample 30; see <see cref="KolmogorovSmirnovWindow"/>) on StreamRec's drift d
/// (<see cref="WindowOnDriftDetector"/>). The swept threshold is α: lower means fewer alarms. An alarm is
/// a change whose recent sample has the HIGHER mean of d, an increase; a significant decrease (d falling
/// back, as after every l &lt;- s) is expected and only shortens the window, as river does on any change.
/// As the window is emptied on an alarm and through the cool-down, the next test comes 100 events after
/// the cool-down, and a user with fewer than 101 events is never tested. The score is 1 - p of the last test.
/// </summary>
public sealed class KswinDetector : WindowOnDriftDetector
{
    private readonly KolmogorovSmirnovWindow _window;

    /// <param name="parameters">Rates, warm-up and cool-down (StreamRec's).</param>
    /// <param name="dimension">D.</param>
    /// <param name="alpha">The test's level α.</param>
    /// <param name="seed">Seeds the draws of the older sample; each user's draws start again from it.</param>
    public KswinDetector(DriftParameters parameters, int dimension, double alpha, ulong seed)
        : base(parameters, dimension) => _window = new KolmogorovSmirnovWindow(alpha, seed);

    protected override (double Score, bool Increase) Observe(double drift)
    {
        var changed = _window.Update(drift);
        return (1 - _window.PValue, changed && _window.Increase);
    }

    protected override void EmptyWindow() => _window.Clear();

    protected override void StartUser() => _window.Reset();
}
