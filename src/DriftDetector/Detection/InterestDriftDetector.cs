using System.Numerics.Tensors;
using StreamRec.Storage;

namespace StreamRec.DriftDetector.Detection;

/// <summary>
/// The drift statistic of DESIGN.md, per event e (unit vector) of weight w:
/// <list type="bullet">
/// <item>s &lt;- (1 - a_s) s + a_s w e ;  l &lt;- (1 - a_l) l + a_l w e</item>
/// <item>d = 1 - cos(s, l)</item>
/// <item>z = (d - mu) / sigma against the user's OWN running mean and variance of d (exponentially
/// weighted, starting from a population prior worth <c>PriorWeight</c> pseudo-events). Normalising
/// against the user's history, not against the norm of the change, is what makes z comparable between a
/// user who always browses widely and one who never does.</item>
/// <item>one-sided CUSUM S &lt;- max(0, S + z - k); a mutation when S &gt; h_n after the warm-up and outside
/// the cool-down; then S &lt;- 0, the long vector adopts the new interest (l &lt;- s), and a cool-down starts.
/// h_n = h min(cap, 1 + g ln(1 + n / 100)) grows with the user's events n (<see cref="DriftParameters.ThresholdAfter"/>):
/// a new user's alarms are already held back by the population prior, while real histories alarm most
/// after their first few dozen events, so a young history is judged on less evidence and an established
/// one on more (docs/drift.md, "What real histories need").</item>
/// </list>
/// z is computed before d joins the statistics, so an event is judged against the past only. Pure and
/// allocation-free: the I/O (Redis, Kafka) lives elsewhere.
/// </summary>
public sealed class InterestDriftDetector
{
    private readonly DriftParameters _parameters;

    public InterestDriftDetector(DriftParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Validate();
        _parameters = parameters;
    }

    public DriftStep Apply(UserDriftState state, ReadOnlySpan<float> embedding, float weight)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (embedding.Length != state.Short.Length)
        {
            throw new ArgumentException($"The embedding has {embedding.Length} values; the state has {state.Short.Length}.", nameof(embedding));
        }

        var p = _parameters;
        Blend(state.Short, embedding, p.ShortRate * weight, 1 - p.ShortRate);
        Blend(state.Long, embedding, p.LongRate * weight, 1 - p.LongRate);
        state.Events++;

        var drift = Drift(state.Short, state.Long);
        if (state.Events == 1)
        {
            // The first event sets both vectors to the same direction: d = 0 says nothing about the user.
            return new DriftStep(drift, 0, state.Cusum, false);
        }

        var sigma = Math.Max(Math.Sqrt(state.DriftVariance), p.MinStandardDeviation);
        var score = (drift - state.DriftMean) / sigma;
        FoldIntoStatistics(state, drift);

        state.Cusum = Math.Max(0, state.Cusum + score - p.CusumSlack);
        if (state.Cooldown > 0)
        {
            state.Cooldown--;
            state.Cusum = 0;
            return new DriftStep(drift, score, 0, false);
        }

        // h_n >= h: S <= h settles most events without the logarithm of h_n.
        if (state.Cusum <= p.CusumThreshold || state.Events < p.WarmUpEvents || state.Cusum <= p.ThresholdAfter(state.Events))
        {
            return new DriftStep(drift, score, state.Cusum, false);
        }

        var cusum = state.Cusum;
        state.Cusum = 0;
        state.Short.CopyTo(state.Long.AsSpan());
        state.Cooldown = p.CooldownEvents;
        return new DriftStep(drift, score, cusum, true);
    }

    /// <summary>d = 1 - cos(s, l); 0 while either vector is still zero.</summary>
    public static double Drift(ReadOnlySpan<float> shortVector, ReadOnlySpan<float> longVector)
    {
        var normProduct = (double)TensorPrimitives.Norm(shortVector) * TensorPrimitives.Norm(longVector);
        return normProduct <= 0 ? 0 : 1 - (TensorPrimitives.Dot(shortVector, longVector) / normProduct);
    }

    private static void Blend(Span<float> vector, ReadOnlySpan<float> embedding, float add, float keep)
    {
        // vector = keep * vector + add * embedding, in place.
        TensorPrimitives.Multiply(vector, keep, vector);
        TensorPrimitives.MultiplyAdd(embedding, add, vector, vector);
    }

    private void FoldIntoStatistics(UserDriftState state, double drift)
    {
        // Exponentially weighted mean and variance whose rate starts at 1/(prior weight + samples), so the
        // prior counts as PriorWeight events, and settles at DriftStatsRate.
        state.DriftSamples++;
        var rate = Math.Max(_parameters.DriftStatsRate, 1.0 / (_parameters.PriorWeight + state.DriftSamples));
        var delta = drift - state.DriftMean;
        state.DriftMean += rate * delta;
        state.DriftVariance = (1 - rate) * (state.DriftVariance + (rate * delta * delta));
    }
}
