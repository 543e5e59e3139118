using System.Globalization;
using System.Text;
using StreamRec.Contracts;
using StreamRec.Replay.Terminal;

namespace StreamRec.Evaluation.Demo;

/// <summary>
/// The demo's report: one self-contained HTML file (<see cref="HtmlReportPage"/>, the page of the eval
/// report) with SVG plots of the run (events/s, lag and per-stage backlog, mutations, recommendations
/// and epsilon over time), of the mutations (by year of the data, CUSUM score at detection), a panel per
/// showcased user, and a table of every mutation.
/// </summary>
public static partial class DemoReport
{
    private const string ExtraStyle = ".user{border:1px solid #ddd;border-radius:4px;padding:0 1em;margin:1.5em 0}li{font-size:13px}";

    /// <summary>Per-second rates are taken over this window, as on the progress line.</summary>
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(1);

    public static void Write(string path, string title, DemoOutcome outcome) => HtmlReportPage.Write(path, Render(title, outcome));

    public static string Render(string title, DemoOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var html = HtmlReportPage.Begin(title, outcome.Notes, ExtraStyle);
        html.Append("<h2>The run</h2>\n");
        AppendRun(html, outcome.Samples);
        html.Append("<h2>Interest mutations</h2>\n");
        if (outcome.Mutations.Count == 0)
        {
            html.Append("<p>No interest mutation was detected in this replay: replay more events (more users, or the whole data set).</p>\n");
        }
        else
        {
            AppendMutations(html, outcome.Mutations);
            AppendUsers(html, outcome);
            AppendTable(html, outcome);
        }

        return HtmlReportPage.End(html);
    }

    private static void AppendRun(StringBuilder html, IReadOnlyList<PipelineSample> samples)
    {
        var end = samples.Count == 0 ? 1 : Math.Max(samples[^1].Elapsed.TotalSeconds, 1);
        SvgChart Chart(string chartTitle, string yLabel)
        {
            var chart = new SvgChart(chartTitle, "seconds since the replay started", yLabel);
            chart.XRange(0, end);
            return chart;
        }

        var throughput = Chart("Events per second", "events/s");
        throughput.Line("replayed into events.raw", "#1f77b4", Rates(samples, s => s.Replayed), markers: false);
        throughput.Line("handled through the drift stage", "#ff7f0e", Rates(samples, s => s.Handled), markers: false);
        HtmlReportPage.AppendFigure(html, throughput.Render(),
            "Records per second over the last second: produced to the raw topic by the replay, and fully handled through the DriftDetector. The first seconds go to the workers joining their consumer groups.");

        var lag = Chart("Lag and per-stage backlog", "records");
        lag.Line("lag (replayed, not yet through drift)", "#444", Points(samples, s => s.Lag), markers: false);
        lag.Line("Ingest backlog", "#1f77b4", Points(samples, s => s.IngestBacklog), markers: false, dash: "4 2");
        lag.Line("Embedder backlog", "#2ca02c", Points(samples, s => s.EmbedBacklog), markers: false, dash: "4 2");
        lag.Line("DriftDetector backlog", "#9467bd", Points(samples, s => s.DriftBacklog), markers: false, dash: "4 2");
        HtmlReportPage.AppendFigure(html, lag.Render(),
            "Records written to a stage's input topic that the stage has not consumed yet, and their sum from the raw topic to the drift stage (the lag on the progress line).");

        var outputs = Chart("Mutations, recommendations and privacy budget spent", "count / epsilon");
        outputs.Line("interest mutations", "#d62728", Points(samples, s => s.Mutations), markers: false);
        outputs.Line("recommendations published", "#1f77b4", Points(samples, s => s.Recommendations), markers: false);
        outputs.Line("epsilon spent (sum over users)", "#2ca02c", Points(samples, s => s.Epsilon), markers: false, dash: "5 3");
        HtmlReportPage.AppendFigure(html, outputs.Render(),
            "Cumulative: mutations flagged by the DriftDetector, differentially private releases published by the Recommender, and the epsilon they charged to the users' ledgers.");
    }

    private static void AppendMutations(StringBuilder html, IReadOnlyList<MutationRecord> mutations)
    {
        var byYear = mutations.GroupBy(m => DateTimeOffset.FromUnixTimeMilliseconds(m.Ts).Year).OrderBy(g => g.Key)
            .Select(g => ((double)g.Key, (double)g.Count())).ToList();
        var years = new SvgChart("Mutations by year of the data", "year of the triggering rating", "mutations", xFormat: "0");
        years.XRange(byYear[0].Item1 - 1, byYear[^1].Item1 + 1);
        years.Line("mutations", "#d62728", byYear);
        HtmlReportPage.AppendFigure(html, years.Render(),
            "When, in MovieLens' own time (1995-2016), the ratings that triggered a mutation were made. The replay sends them in that order, compressed into seconds.");

        var ranked = mutations.OrderByDescending(m => m.Score).ToList();
        var scores = new SvgChart("CUSUM score at detection", "mutation, by score", "S");
        scores.XRange(0, ranked.Count + 1);
        // From just below the lowest threshold: every score is above its own, and from 0 their differences would not show.
        var lowest = ranked.Min(m => m.Threshold);
        scores.YRange(Math.Floor(Math.Min(lowest, ranked[^1].Score) * 0.9), Math.Max(ranked[0].Score, ranked.Max(m => m.Threshold)) * 1.05);
        scores.Line("S when the mutation was flagged", "#9467bd", [.. ranked.Select((m, i) => ((double)(i + 1), m.Score))]);
        scores.Line("the threshold it crossed", "#555", [.. ranked.Select((m, i) => ((double)(i + 1), m.Threshold))], markers: false);
        HtmlReportPage.AppendFigure(html, scores.Render(),
            "The one-sided CUSUM sum S of the self-normalised drift at the event that crossed the threshold, for every mutation, highest first, with the threshold each crossed: h for a new user, growing with the user's events up to 3h (DriftDetector:Detection:ThresholdGrowth).");
    }

    private static void AppendTable(StringBuilder html, DemoOutcome outcome)
    {
        html.Append("<details><summary>Every mutation (").Append(outcome.Mutations.Count.ToString("N0", CultureInfo.InvariantCulture))
            .Append(")</summary>\n<table><tr><th>date</th><th>user</th><th>events</th><th>S</th><th>explanation</th><th>released</th></tr>\n");
        foreach (var m in outcome.Mutations)
        {
            var released = outcome.Releases.TryGetValue(m.MutationId, out var release) ? (release.PrivacyMode == "joint" ? "joint" : Invariant($"epsilon {release.EpsilonSpent:0.##}")) : "no";
            html.Append("<tr><td>").Append(Date(m)).Append("</td><td>").Append(HtmlReportPage.Escape(MutationShowcase.ShortUser(m.User)))
                .Append("</td><td class=\"n\">").Append(m.Events.ToString("N0", CultureInfo.InvariantCulture))
                .Append("</td><td class=\"n\">").Append(Invariant($"{m.Score:0.0}"))
                .Append("</td><td>").Append(HtmlReportPage.Escape(m.Explanation.Summary))
                .Append("</td><td>").Append(HtmlReportPage.Escape(released)).Append("</td></tr>\n");
        }

        html.Append("</table></details>\n");
    }

    private static List<(double X, double Y)> Points(IReadOnlyList<PipelineSample> samples, Func<PipelineSample, double> value) =>
        [.. samples.Select(s => (s.Elapsed.TotalSeconds, value(s)))];

    /// <summary>The rate of a cumulative count at each sample, over the window before it.</summary>
    private static List<(double X, double Y)> Rates(IReadOnlyList<PipelineSample> samples, Func<PipelineSample, long> count)
    {
        var rates = new List<(double X, double Y)>(samples.Count);
        var start = 0;
        for (var i = 1; i < samples.Count; i++)
        {
            while (samples[i].Elapsed - samples[start + 1].Elapsed >= RateWindow)
            {
                start++;
            }

            var seconds = (samples[i].Elapsed - samples[start].Elapsed).TotalSeconds;
            rates.Add((samples[i].Elapsed.TotalSeconds, (count(samples[i]) - count(samples[start])) / seconds));
        }

        return rates;
    }

    private static string Date(MutationRecord m) => DateTimeOffset.FromUnixTimeMilliseconds(m.Ts).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
