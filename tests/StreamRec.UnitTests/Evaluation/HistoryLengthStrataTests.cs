using StreamRec.Evaluation;

namespace StreamRec.UnitTests.Evaluation;

public sealed class HistoryLengthStrataTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(79, 0)]
    [InlineData(80, 1)]
    [InlineData(150, 1)]
    [InlineData(151, 2)]
    [InlineData(300, 2)]
    [InlineData(301, 3)]
    [InlineData(5000, 3)]
    public void A_stream_falls_in_the_stratum_whose_bounds_hold_its_length(int events, int stratum)
    {
        // [0, 80), [80, 150], (150, 300], above 300.
        Assert.Equal(stratum, HistoryLengthStrata.IndexOf(events));
        Assert.Equal(["< 80", "80-150", "151-300", "> 300"], HistoryLengthStrata.Labels);
    }

    [Fact]
    public void The_rate_is_false_alarms_per_thousand_events_of_the_stratum_users_together()
    {
        // 79 and 80 events sit in different strata; 80 + 150 events with 1 + 2 false alarms: 3 per 230 events.
        var strata = HistoryLengthStrata.Measure([Control(79, 0), Control(80, 1), Control(150, 2), Control(301, 3)], seed: 1, resamples: 100);

        Assert.Equal([1, 2, 0, 1], strata.Select(s => s.Users));
        Assert.Equal(230, strata[1].Events);
        Assert.Equal(3, strata[1].FalseAlarms);
        Assert.Equal(1000.0 * 3 / 230, strata[1].PerThousand, 12);
        Assert.Equal(0, strata[0].PerThousand);
        Assert.Equal(1000.0 * 3 / 301, strata[3].PerThousand, 12);
    }

    [Fact]
    public void A_stratum_without_users_has_no_rate_and_prints_a_dash()
    {
        var strata = HistoryLengthStrata.Measure([Control(200, 1)], seed: 1, resamples: 100);

        Assert.True(double.IsNaN(strata[0].PerThousand));
        Assert.True(double.IsNaN(strata[0].Low) && double.IsNaN(strata[0].High));
        var cells = HistoryLengthTable.Cells(new DetectorStrata("StreamRec CUSUM", "k=0.5 h=8", strata));
        Assert.Equal(["StreamRec CUSUM", "k=0.5 h=8", "—", "—", "5.00 [5.00, 5.00] (1)", "—"], cells);
    }

    [Fact]
    public void The_interval_holds_the_rate_narrows_with_more_users_and_repeats_with_the_seed()
    {
        var few = HistoryLengthStrata.Measure(Controls(20), seed: 7, resamples: 1000)[2];
        var many = HistoryLengthStrata.Measure(Controls(500), seed: 7, resamples: 1000)[2];

        foreach (var stratum in new[] { few, many })
        {
            Assert.InRange(stratum.PerThousand, stratum.Low, stratum.High);
        }

        // The interval's width shrinks as 1 / sqrt(users): 5 times narrower for 25 times the users, give or take.
        Assert.True(many.High - many.Low < (few.High - few.Low) / 2, $"{few} against {many}");
        Assert.Equal(few, HistoryLengthStrata.Measure(Controls(20), seed: 7, resamples: 1000)[2]);
        Assert.NotEqual(few, HistoryLengthStrata.Measure(Controls(20), seed: 8, resamples: 1000)[2]);
    }

    [Fact]
    public void The_terminal_table_has_a_heading_columns_per_stratum_and_a_row_per_detector()
    {
        var row = new DetectorStrata("naive", "tau=0.3", HistoryLengthStrata.Measure([Control(100, 1)], seed: 1, resamples: 10));

        var lines = HistoryLengthTable.Lines([row]);

        Assert.Equal(HistoryLengthTable.Heading, lines[0]);
        Assert.Equal(["detector", "setting", "< 80", "80-150", "151-300", "> 300"], lines[1].Trim().Split("  ", StringSplitOptions.RemoveEmptyEntries).Select(c => c.Trim()));
        Assert.Contains("10.00 [10.00, 10.00] (1)", lines[2], StringComparison.Ordinal);
    }

    private static StreamOutcome Control(int events, int falseAlarms) => new(events, 0, [], falseAlarms, falseAlarms);

    /// <summary>Streams of 151-300 events (the third stratum), 0 to 2 false alarms each, in a fixed pattern.</summary>
    private static List<StreamOutcome> Controls(int users) => [.. Enumerable.Range(0, users).Select(i => Control(151 + (i * 37 % 150), i % 5 == 0 ? 2 : i % 3 == 0 ? 1 : 0))];
}
