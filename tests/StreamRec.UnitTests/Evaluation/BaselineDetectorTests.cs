using StreamRec.DriftDetector.Detection;
using StreamRec.Evaluation;
using StreamRec.Storage;
using StreamRec.UnitTests.DriftDetector;

namespace StreamRec.UnitTests.Evaluation;

public sealed class BaselineDetectorTests
{
    private static readonly DriftParameters Defaults = new();

    /// <summary>A user with two interests who switches to a third at event 150, with mixed event weights.</summary>
    private static List<(float[] Embedding, float Weight)> Stream(int dimension, int seed)
    {
        var streams = new DriftStreams(dimension, seed);
        var (a, b, c) = (streams.Centre(), streams.Centre(), streams.Centre());
        var random = new Random(seed);
        return Enumerable.Range(0, 300)
            .Select(i => (streams.Around(i < 150 ? (random.Next(2) == 0 ? a : b) : c, 0.4), i % 4 == 0 ? 1f : 0.5f))
            .ToList();
    }

    [Fact]
    public void Page_Hinkley_sees_exactly_the_drift_the_detector_computes()
    {
        var stream = Stream(8, 1);
        var detector = new InterestDriftDetector(Defaults with { CusumThreshold = 1e9 }); // never alarms, so l is never reset
        var state = UserDriftState.New(8, Defaults);
        var vectors = new InterestVectors(8, Defaults.ShortRate, Defaults.LongRate);

        foreach (var (e, w) in stream)
        {
            var step = detector.Apply(state, e, w);
            vectors.Apply(e, w);
            Assert.Equal(step.Drift, vectors.Drift()); // bit for bit: the same float operations in the same order
        }

        Assert.Equal(state.Short, vectors.Short);
        Assert.Equal(state.Long, vectors.Long);
    }

    [Fact]
    public void Page_Hinkley_matches_a_plain_reference()
    {
        var stream = Stream(8, 2);
        var (delta, lambda) = (0.01, 0.5);
        var detector = new PageHinkleyDetector(Defaults, 8, delta, lambda);
        var reference = new PageHinkleyReference(8, Defaults, delta, lambda);

        var alarms = 0;
        for (var i = 0; i < stream.Count; i++)
        {
            var (e, w) = stream[i];
            var step = detector.Step(e, w);
            var expected = reference.Step(e, w);
            Assert.True(Math.Abs(expected.Score - step.Score) < 1e-4, $"event {i}: m - M {step.Score} vs {expected.Score}");
            Assert.Equal(expected.Alarm, step.Alarm);
            alarms += step.Alarm ? 1 : 0;
        }

        Assert.InRange(alarms, 1, 20); // the comparison covered alarms, resets and cool-downs
    }

    [Fact]
    public void Naive_rule_matches_a_plain_reference()
    {
        var stream = Stream(8, 3);
        const double Threshold = 0.25;
        var detector = new ConsecutiveChangeDetector(Defaults, 8, Threshold);
        var previous = new double[8];
        var current = new double[8];
        var (events, cooldown, alarms) = (0, 0, 0);

        foreach (var (e, w) in stream)
        {
            Array.Copy(current, previous, 8);
            for (var j = 0; j < 8; j++)
            {
                current[j] = ((1 - Defaults.ShortRate) * current[j]) + (Defaults.ShortRate * w * e[j]);
            }

            events++;
            var score = Math.Sqrt(current.Zip(previous, (x, y) => (x - y) * (x - y)).Sum());
            bool alarm;
            if (events == 1)
            {
                alarm = false;
            }
            else if (cooldown > 0)
            {
                cooldown--;
                alarm = false;
            }
            else
            {
                alarm = events >= Defaults.WarmUpEvents && score > Threshold;
                cooldown = alarm ? Defaults.CooldownEvents : 0;
            }

            var step = detector.Step(e, w);
            Assert.True(Math.Abs(score - step.Score) < 1e-5, $"event {events}: {step.Score} vs {score}");
            Assert.Equal(alarm, step.Alarm);
            alarms += alarm ? 1 : 0;
        }

        Assert.InRange(alarms, 1, 100);
    }

    [Fact]
    public void Baselines_keep_the_detectors_warm_up_and_cool_down()
    {
        // A threshold below every score: the guards alone decide. With warm-up 60 and cool-down 20 the
        // first alarm is on the 60th event (index 59), then one every 21 events, as InterestDriftDetector allows.
        var stream = Stream(8, 4);
        var items = new ItemEmbeddings([.. stream.SelectMany(x => x.Embedding)], 8);
        var evaluation = new EvaluationStream("guards", StreamKind.SyntheticStationary, [.. Enumerable.Range(0, stream.Count)], [.. stream.Select(x => x.Weight)], []);
        var expected = Enumerable.Range(0, 100).Select(n => Defaults.WarmUpEvents - 1 + (21 * n)).TakeWhile(i => i < stream.Count).ToList();

        Assert.Equal(expected, ThresholdSweep.Alarms(new ConsecutiveChangeDetector(Defaults, 8, -1), evaluation, items));
        Assert.Equal(expected, ThresholdSweep.Alarms(new PageHinkleyDetector(Defaults, 8, 0, -1), evaluation, items));
    }

    [Fact]
    public void StreamRec_adapter_is_the_detector_itself_and_resets_per_user()
    {
        var stream = Stream(8, 5);
        var adapter = new StreamRecDetector(Defaults, 8);
        var detector = new InterestDriftDetector(Defaults);
        var state = UserDriftState.New(8, Defaults);

        var first = stream.Select(x => adapter.Step(x.Embedding, x.Weight)).ToList();
        var direct = stream.Select(x => detector.Apply(state, x.Embedding, x.Weight)).ToList();
        adapter.Reset();
        var again = stream.Select(x => adapter.Step(x.Embedding, x.Weight)).ToList();

        Assert.Equal(direct.Select(s => new DetectorStep(s.Cusum, s.Mutation)), first);
        Assert.Equal(first, again);
        Assert.Contains(first, s => s.Alarm); // the switch at 150 is found
    }

    /// <summary>Page-Hinkley as PageHinkleyDetector documents it, with plain loops and doubles.</summary>
    private sealed class PageHinkleyReference(int dimension, DriftParameters p, double delta, double lambda)
    {
        private readonly double[] _short = new double[dimension];
        private readonly double[] _long = new double[dimension];
        private int _events;
        private int _cooldown;
        private int _samples;
        private double _mean;
        private double _sum;
        private double _minimum;

        public DetectorStep Step(float[] e, float w)
        {
            for (var i = 0; i < dimension; i++)
            {
                _short[i] = ((1 - p.ShortRate) * _short[i]) + (p.ShortRate * w * e[i]);
                _long[i] = ((1 - p.LongRate) * _long[i]) + (p.LongRate * w * e[i]);
            }

            _events++;
            if (_events == 1)
            {
                return new DetectorStep(0, false);
            }

            double dot = 0, ns = 0, nl = 0;
            for (var i = 0; i < dimension; i++)
            {
                dot += _short[i] * _long[i];
                ns += _short[i] * _short[i];
                nl += _long[i] * _long[i];
            }

            var d = 1 - (dot / Math.Sqrt(ns * nl));
            _samples++;
            _mean += (d - _mean) / _samples;
            _sum += d - _mean - delta;
            _minimum = Math.Min(_minimum, _sum);
            if (_cooldown > 0)
            {
                _cooldown--;
                (_sum, _minimum) = (0, 0);
                return new DetectorStep(0, false);
            }

            var score = _sum - _minimum;
            if (_events < p.WarmUpEvents || score <= lambda)
            {
                return new DetectorStep(score, false);
            }

            Array.Copy(_short, _long, dimension);
            (_sum, _minimum) = (0, 0);
            _cooldown = p.CooldownEvents;
            return new DetectorStep(score, true);
        }
    }
}
