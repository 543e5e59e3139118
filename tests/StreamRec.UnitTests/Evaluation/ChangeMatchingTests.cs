using StreamRec.Evaluation;

namespace StreamRec.UnitTests.Evaluation;

public sealed class ChangeMatchingTests
{
    [Fact]
    public void The_first_alarm_in_a_window_detects_the_change_and_every_other_alarm_is_false()
    {
        // Changes at 10 and 50, max delay 10: windows 10..19 and 50..59.
        // 5: before any change. 12: detects the first (delay 3). 15: a second alarm in the same window.
        // 20: just after the window. 59: detects the second on its last event (delay 10). 60: after it.
        var outcome = ChangeMatching.Match(100, [10, 50], [5, 12, 15, 20, 59, 60], maxDelay: 10);

        Assert.Equal([3, 10], outcome.Delays);
        Assert.Equal(2, outcome.Detected);
        Assert.Equal(6, outcome.Alarms);
        Assert.Equal(4, outcome.FalseAlarms);
        Assert.Equal(2, outcome.Changes);
        Assert.Equal(100, outcome.Events);
    }

    [Fact]
    public void A_window_ends_at_the_next_change_so_an_alarm_counts_for_one_change_only()
    {
        // Windows 10..13 (cut by the change at 14) and 14..23: the alarm at 15 belongs to the second change.
        var outcome = ChangeMatching.Match(40, [10, 14], [15], maxDelay: 10);

        Assert.Equal([2], outcome.Delays);
        Assert.Equal(0, outcome.FalseAlarms);
    }

    [Fact]
    public void An_alarm_on_the_first_event_of_the_new_interest_has_delay_one()
    {
        Assert.Equal([1], ChangeMatching.Match(30, [10], [10], maxDelay: 5).Delays);
        Assert.Empty(ChangeMatching.Match(30, [10], [9, 15], maxDelay: 5).Delays); // one event early, one past 10..14
        Assert.Equal(2, ChangeMatching.Match(30, [10], [9, 15], maxDelay: 5).FalseAlarms);
    }

    [Fact]
    public void A_stream_without_changes_has_only_false_alarms()
    {
        var outcome = ChangeMatching.Match(1000, [], [100, 400], maxDelay: 30);

        Assert.Empty(outcome.Delays);
        Assert.Equal(2, outcome.FalseAlarms);
    }

    [Fact]
    public void A_gradual_change_gets_its_span_on_top_of_the_max_delay_still_cut_at_the_next_change()
    {
        // Change at 10 spanning 20 events, max delay 10: window 10..39. The alarm at 35 detects it (delay 26);
        // without the span it would be false.
        Assert.Equal([26], ChangeMatching.Match(100, [10], [35], maxDelay: 10, spans: [20]).Delays);
        Assert.Equal(1, ChangeMatching.Match(100, [10], [35], maxDelay: 10).FalseAlarms);

        // The next change at 30 still ends the first window at 29, and the second change's span is its own.
        var outcome = ChangeMatching.Match(100, [10, 30], [25, 32, 45], maxDelay: 10, spans: [20, 5]);
        Assert.Equal([16, 3], outcome.Delays);
        Assert.Equal(1, outcome.FalseAlarms); // 45 is past 30..44
        Assert.Equal([16, 3], ChangeMatching.DelaysPerChange([10, 30], [25, 32, 45], 10, [20, 5]));
        Assert.Equal([0, 3], ChangeMatching.DelaysPerChange([10, 30], [32], 10, [20, 5]));
        Assert.Throws<ArgumentException>(() => ChangeMatching.Match(100, [10, 30], [], 10, [20]));
    }

    [Fact]
    public void Unsorted_positions_are_refused()
    {
        Assert.Throws<ArgumentException>(() => ChangeMatching.Match(100, [50, 10], [], 10));
        Assert.Throws<ArgumentException>(() => ChangeMatching.Match(100, [10], [30, 30], 10));
    }

    [Fact]
    public void Metrics_add_up_over_streams()
    {
        var result = new DetectionResult();
        result.Add(ChangeMatching.Match(1000, [10, 50], [5, 12, 15, 20, 59, 60], maxDelay: 10)); // 2 of 2 found, 4 false
        result.Add(ChangeMatching.Match(1000, [], [300], maxDelay: 10)); // stationary: 1 false

        Assert.Equal(2, result.Streams);
        Assert.Equal(2000, result.Events);
        Assert.Equal(1.0, result.Recall);
        Assert.Equal(2.0 / 7, result.Precision, 12);
        Assert.Equal(4.0 / 9, result.F1, 12); // 2 P R / (P + R) with P = 2/7, R = 1
        Assert.Equal(2.5, result.FalseAlarmsPerThousand, 12); // 5 false alarms in 2,000 events
        Assert.Equal(1.0, result.StationaryFalseAlarmsPerThousand, 12); // 1 in the stationary stream's 1,000
        Assert.Equal(3, result.MedianDelay); // nearest rank of [3, 10]
        Assert.Equal(10, result.P90Delay);
    }

    [Fact]
    public void Delay_percentiles_are_nearest_rank()
    {
        var ten = new DetectionResult();
        ten.Add(new StreamOutcome(100, 10, [10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 10, 0));
        var thirty = new DetectionResult();
        thirty.Add(new StreamOutcome(100, 30, [.. Enumerable.Range(1, 30)], 30, 0));

        Assert.Equal(5, ten.MedianDelay);
        Assert.Equal(9, ten.P90Delay);
        Assert.Equal(27, thirty.P90Delay); // 0.9 x 30 is 27.000000000000004 in floating point: still rank 27
        Assert.Equal(30, thirty.DelayPercentile(1));
    }

    [Fact]
    public void Without_alarms_or_changes_the_undefined_metrics_say_so()
    {
        var quiet = new DetectionResult();
        quiet.Add(ChangeMatching.Match(500, [100], [], maxDelay: 10));

        Assert.Equal(0, quiet.Recall);
        Assert.True(double.IsNaN(quiet.Precision));
        Assert.Equal(0, quiet.F1);
        Assert.True(double.IsNaN(quiet.MedianDelay));
        Assert.True(double.IsNaN(new DetectionResult().Recall));
    }
}
