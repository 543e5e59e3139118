using StreamRec.DriftDetector.Detection;
using StreamRec.Storage;

namespace StreamRec.UnitTests.DriftDetector;

public sealed class InterestDriftDetectorTests
{
    private static readonly DriftParameters Defaults = new();

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(0.5)]
    public void Every_step_matches_a_plain_reference_computation(double thresholdGrowth)
    {
        // Four interests in turn, the last switches late in the history, where a growing threshold is well above h.
        var parameters = Defaults with { CusumSlack = 0.5, CusumThreshold = 10, ThresholdGrowth = thresholdGrowth };
        var streams = new DriftStreams(dimension: 8, seed: 3);
        var centres = new[] { streams.Centre(), streams.Centre(), streams.Centre(), streams.Centre() };
        var detector = new InterestDriftDetector(parameters);
        var state = UserDriftState.New(8, parameters);
        var reference = new Reference(8, parameters);

        var mutations = 0;
        for (var i = 0; i < 1600; i++)
        {
            var e = streams.Around(centres[i < 200 ? 0 : i < 500 ? 1 : i < 1000 ? 2 : 3], 0.4);
            var w = i % 3 == 0 ? 1f : 0.5f;
            var step = detector.Apply(state, e, w);
            var expected = reference.Apply(e, w);
            Assert.True(Math.Abs(expected.Drift - step.Drift) < 1e-5, $"event {i}: d {step.Drift} vs {expected.Drift}");
            Assert.True(Math.Abs(expected.Score - step.Score) < 1e-3, $"event {i}: z {step.Score} vs {expected.Score}");
            Assert.Equal(expected.Mutation, step.Mutation);
            mutations += step.Mutation ? 1 : 0;
        }

        Assert.InRange(mutations, 3, 6); // the switches are found, so the comparison covered alarms early and late
        Assert.Equal(reference.Long.Select(x => Math.Round(x, 5)), state.Long.Select(x => Math.Round((double)x, 5)));
    }

    [Fact]
    public void A_stationary_user_raises_no_mutation()
    {
        var streams = new DriftStreams(dimension: 16, seed: 11);
        var interests = new[] { streams.Centre(), streams.Centre() };
        var detector = new InterestDriftDetector(Defaults);
        var state = UserDriftState.New(16, Defaults);
        var random = new Random(5);

        // A user with two stable interests, browsing between them at random, for 2,000 events.
        var mutations = Enumerable.Range(0, 2_000).Count(_ => detector.Apply(state, streams.Around(interests[random.Next(2)], 0.5), 1f).Mutation);

        Assert.Equal(0, mutations);
    }

    [Fact]
    public void A_switch_of_interest_is_flagged_soon_after_it_happens_and_not_before()
    {
        var streams = new DriftStreams(dimension: 16, seed: 12);
        var (before, after) = (streams.Centre(), streams.Centre());
        var detector = new InterestDriftDetector(Defaults);
        var state = UserDriftState.New(16, Defaults);

        var flagged = Enumerable.Range(0, 400)
            .Where(i => detector.Apply(state, streams.Around(i < 200 ? before : after, 0.4), 1f).Mutation)
            .ToList();

        Assert.NotEmpty(flagged);
        Assert.InRange(flagged[0], 200, 215);
        Assert.Single(flagged); // the new interest is adopted: no alarm after it settles
    }

    [Fact]
    public void Nothing_is_flagged_during_the_warm_up_or_the_cool_down()
    {
        var streams = new DriftStreams(dimension: 16, seed: 13);
        var centres = Enumerable.Range(0, 8).Select(_ => streams.Centre()).ToArray();
        var parameters = Defaults with { WarmUpEvents = 30, CooldownEvents = 25, CusumThreshold = 2 };
        var detector = new InterestDriftDetector(parameters);
        var state = UserDriftState.New(16, parameters);

        // Interests jumping every 5 events: a restless stream that would alarm constantly without the guards.
        var flagged = Enumerable.Range(0, 300)
            .Where(i => detector.Apply(state, streams.Around(centres[i / 5 % centres.Length], 0.2), 1f).Mutation)
            .Select(i => i + 1) // events applied so far
            .ToList();

        Assert.NotEmpty(flagged);
        Assert.All(flagged, n => Assert.True(n >= 30, $"flagged at event {n}, inside the warm-up"));
        Assert.All(flagged.Zip(flagged.Skip(1)), pair => Assert.True(pair.Second - pair.First > 25, $"flags at {pair.First} and {pair.Second}: inside the cool-down"));
    }

    [Fact]
    public void Drift_is_zero_for_aligned_vectors_and_two_for_opposite_ones()
    {
        Assert.Equal(0, InterestDriftDetector.Drift([1, 0], [3, 0]), 6);
        Assert.Equal(1, InterestDriftDetector.Drift([1, 0], [0, 2]), 6);
        Assert.Equal(2, InterestDriftDetector.Drift([1, 0], [-1, 0]), 6);
        Assert.Equal(0, InterestDriftDetector.Drift([0, 0], [1, 0]), 6);
    }

    [Fact]
    public void Impossible_parameters_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new InterestDriftDetector(Defaults with { LongRate = 0.5f }));
        Assert.Throws<ArgumentException>(() => new InterestDriftDetector(Defaults with { CusumThreshold = 0 }));
    }

    /// <summary>The same statistic written out with plain loops and doubles, straight from DESIGN.md.</summary>
    private sealed class Reference(int dimension, DriftParameters p)
    {
        private readonly double[] _short = new double[dimension];
        private long _events;
        private long _samples;
        private double _mean = p.PriorMean;
        private double _variance = p.PriorStandardDeviation * p.PriorStandardDeviation;
        private double _cusum;
        private int _cooldown;

        public double[] Long { get; } = new double[dimension];

        public DriftStep Apply(float[] e, float w)
        {
            for (var i = 0; i < dimension; i++)
            {
                _short[i] = ((1 - p.ShortRate) * _short[i]) + (p.ShortRate * w * e[i]);
                Long[i] = ((1 - p.LongRate) * Long[i]) + (p.LongRate * w * e[i]);
            }

            _events++;
            double dot = 0, ns = 0, nl = 0;
            for (var i = 0; i < dimension; i++)
            {
                dot += _short[i] * Long[i];
                ns += _short[i] * _short[i];
                nl += Long[i] * Long[i];
            }

            var d = 1 - (dot / Math.Sqrt(ns * nl));
            if (_events == 1)
            {
                return new DriftStep(d, 0, 0, false);
            }

            var z = (d - _mean) / Math.Max(Math.Sqrt(_variance), p.MinStandardDeviation);
            _samples++;
            var rate = Math.Max(p.DriftStatsRate, 1.0 / (p.PriorWeight + _samples));
            var delta = d - _mean;
            _mean += rate * delta;
            _variance = (1 - rate) * (_variance + (rate * delta * delta));
            _cusum = Math.Max(0, _cusum + z - p.CusumSlack);
            if (_cooldown > 0)
            {
                _cooldown--;
                _cusum = 0;
                return new DriftStep(d, z, 0, false);
            }

            var threshold = p.CusumThreshold * Math.Min(p.ThresholdGrowthLimit, 1 + (p.ThresholdGrowth * Math.Log(1 + (_events / 100.0))));
            if (_cusum <= threshold || _events < p.WarmUpEvents)
            {
                return new DriftStep(d, z, _cusum, false);
            }

            _cusum = 0;
            Array.Copy(_short, Long, dimension);
            _cooldown = p.CooldownEvents;
            return new DriftStep(d, z, 0, true);
        }
    }
}
