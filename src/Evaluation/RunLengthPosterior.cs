using System.Numerics.Tensors;

namespace StreamRec.Evaluation;

/// <summary>
/// Bayesian online changepoint detection (Adams and MacKay, arXiv:0710.3742, 2007) for a univariate
/// Gaussian with unknown mean and precision: the posterior over the run length r_t (observations since
/// the last change) after each observation. Each run length r carries the Normal-Gamma posterior of
/// the prior (μ0, κ0, α0 = 1, β0) and the last r observations; its predictive is Student-t with 2α_r
/// degrees of freedom, location μ_r and scale² β_r (κ_r + 1) / (α_r κ_r). With a constant hazard H:
/// P(r_t = r + 1) ∝ P(r_{t-1} = r) π_r (1 - H) and P(r_t = 0) ∝ H Σ_r P(r_{t-1} = r) π_r, so
/// P(r_t = 0) = H always, and evidence for a change shows as mass on short runs on the following
/// observations. Run lengths are truncated at R_max: the last cell stands for r &gt;= R_max, the mass
/// that would grow past it is folded into it (nothing is dropped) and its statistics are those of the
/// last R_max observations, as every cell's are of its last r. Run lengths whose posterior falls below
/// 1e-200 are set to 0 (pruned, as Adams and MacKay suggest, at a level that changes nothing a double
/// can show): left in, they sink into subnormal numbers, on which arithmetic is many times slower.
/// Arrays are allocated once; an update allocates nothing. (α0 = 1 is fixed so that Γ(α_r + 1/2) / Γ(α_r)
/// follows by recurrence from √π / 2.)
/// </summary>
internal sealed class RunLengthPosterior
{
    /// <summary>Run lengths less probable than this are pruned (see the summary).</summary>
    private const double Negligible = 1e-200;

    private readonly double _hazard;
    private readonly double _mean0;
    private readonly double _kappa0;
    private readonly double _beta0;
    private readonly double[] _logConstant;
    private readonly double[] _mean;
    private readonly double[] _beta;
    private readonly double[] _predictive;
    private readonly double[] _logSpread;
    private double[] _probability;
    private double[] _next;
    private int _top;

    /// <param name="hazard">H, the prior probability of a change at each observation.</param>
    /// <param name="maxRunLength">R_max.</param>
    /// <param name="mean0">μ0.</param>
    /// <param name="kappa0">κ0: the prior mean's weight, in observations.</param>
    /// <param name="beta0">β0: with α0 = 1, the prior's expected precision is 1/β0.</param>
    public RunLengthPosterior(double hazard, int maxRunLength, double mean0, double kappa0, double beta0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hazard);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(hazard, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRunLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kappa0);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(beta0);
        (_hazard, _mean0, _kappa0, _beta0) = (hazard, mean0, kappa0, beta0);
        var cells = maxRunLength + 1;
        _logConstant = new double[cells];
        var ratio = Math.Sqrt(Math.PI) / 2; // Γ(3/2) / Γ(1)
        for (var r = 0; r < cells; r++)
        {
            _logConstant[r] = Math.Log(ratio) - (0.5 * Math.Log(Math.PI));
            ratio = Alpha(r) / ratio; // Γ(α + 1) / Γ(α + 1/2) = α Γ(α) / Γ(α + 1/2)
        }

        _mean = new double[cells];
        _beta = new double[cells];
        _predictive = new double[cells];
        _logSpread = new double[cells];
        _probability = new double[cells];
        _next = new double[cells];
        Restart();
    }

    /// <summary>P(r_t = r) for r = 0..R_max (the last cell: r &gt;= R_max).</summary>
    public ReadOnlySpan<double> Probabilities => _probability;

    /// <summary>The predictive mean of run length <paramref name="r"/>: μ_r.</summary>
    public double PredictiveMean(int r) => _mean[r];

    /// <summary>All the mass on r = 0 with the prior: the state before any observation.</summary>
    public void Restart()
    {
        Array.Clear(_probability);
        _probability[0] = 1;
        _mean[0] = _mean0;
        _beta[0] = _beta0;
        _top = 0;
    }

    /// <summary>One observation: the run-length posterior and every run's statistics move on.</summary>
    public void Update(double x)
    {
        var last = _probability.Length - 1;
        ScaledPredictives(x);
        var grownTop = Math.Min(_top + 1, last);
        Array.Clear(_next, 0, grownTop + 1);
        var total = 0.0;
        for (var r = 0; r <= _top; r++)
        {
            var joint = _probability[r] * _predictive[r];
            total += joint;
            _next[Math.Min(r + 1, last)] += joint * (1 - _hazard);
        }

        _next[0] = total * _hazard;
        for (var r = 0; r <= grownTop; r++)
        {
            var probability = _next[r] / total;
            _next[r] = probability < Negligible ? 0 : probability;
        }

        (_probability, _next) = (_next, _probability);
        for (var r = grownTop; r >= 1; r--)
        {
            // Cell r is now cell r - 1 with x added (the conjugate update), from the top down so each
            // cell is read before it is overwritten; the top cell thus keeps the last R_max observations.
            var kappa = Kappa(r - 1);
            var deviation = x - _mean[r - 1];
            _beta[r] = _beta[r - 1] + (kappa * deviation * deviation / (2 * (kappa + 1)));
            _mean[r] = ((kappa * _mean[r - 1]) + x) / (kappa + 1);
        }

        _mean[0] = _mean0;
        _beta[0] = _beta0;
        _top = grownTop;
    }

    /// <summary>P(r_t &lt; <paramref name="runs"/>): a change within the last <paramref name="runs"/> observations.</summary>
    public double ShortRunProbability(int runs)
    {
        var sum = 0.0;
        for (var r = 0; r < runs && r <= _top; r++)
        {
            sum += _probability[r];
        }

        return sum;
    }

    /// <summary>
    /// How the mean moved at a change within the last <paramref name="runs"/> observations:
    /// Σ_{1 &lt;= r &lt; runs} P(r_t = r) (mean of the last r observations - mean of the earlier ones in the
    /// longest run). Negative when the observations fell. r = 0 has no observation of its own and is left out.
    /// </summary>
    public double ShortRunShift(int runs)
    {
        var longest = Sum(_top);
        var shift = 0.0;
        for (var r = 1; r < runs && r < _top; r++)
        {
            var recent = Sum(r);
            shift += _probability[r] * ((recent / r) - ((longest - recent) / (_top - r)));
        }

        return shift;
    }

    /// <summary>The sum of the last <paramref name="r"/> observations, from cell r's posterior mean.</summary>
    private double Sum(int r) => (Kappa(r) * _mean[r]) - (_kappa0 * _mean0);

    private double Kappa(int r) => _kappa0 + r;

    private static double Alpha(int r) => 1 + (0.5 * r);

    /// <summary>
    /// The Student-t predictive density of x under every run, divided by the largest (so that no run
    /// underflows; the scale cancels when the posterior is normalised), into _predictive. With
    /// b = ν scale² = 2 β (κ + 1) / κ, log π = log Γ(α + 1/2) - log Γ(α) - log(π)/2 + (ν/2) log b - ((ν + 1)/2) log(b + (x - μ)²):
    /// two logarithms and an exponential per run, each over all runs at once.
    /// </summary>
    private void ScaledPredictives(double x)
    {
        var count = _top + 1;
        var spread = _logSpread.AsSpan(0, count);
        var log = _predictive.AsSpan(0, count);
        for (var r = 0; r < count; r++)
        {
            var kappa = Kappa(r);
            var deviation = x - _mean[r];
            spread[r] = 2 * _beta[r] * (kappa + 1) / kappa;
            log[r] = spread[r] + (deviation * deviation);
        }

        TensorPrimitives.Log(spread, spread);
        TensorPrimitives.Log(log, log);
        for (var r = 0; r < count; r++)
        {
            var halfNu = Alpha(r);
            log[r] = _logConstant[r] + (halfNu * spread[r]) - ((halfNu + 0.5) * log[r]);
        }

        TensorPrimitives.Subtract(log, TensorPrimitives.Max(log), log);
        TensorPrimitives.Exp(log, log);
    }
}
