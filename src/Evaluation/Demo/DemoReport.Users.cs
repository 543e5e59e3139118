using System.Text;
using StreamRec.Contracts;
using StreamRec.Replay.Terminal;

namespace StreamRec.Evaluation.Demo;

/// <summary>The panels of the showcased users: their history around the mutation, what moved, what they were recommended.</summary>
public static partial class DemoReport
{
    /// <summary>
    /// The user's genre mix is taken over their last ratings, about 1/25 of the history within these
    /// bounds: short enough to show a switch, long enough that a long history does not read as noise.
    /// </summary>
    private const int MinWindow = 10;
    private const int MaxWindow = 50;

    private static void AppendUsers(StringBuilder html, DemoOutcome outcome)
    {
        foreach (var m in outcome.Showcased)
        {
            var user = HtmlReportPage.Escape(MutationShowcase.ShortUser(m.User));
            html.Append("<div class=\"user\"><h3>User ").Append(user).Append(": mutation on ").Append(Date(m))
                .Append(Invariant($", after {m.Events:N0} events</h3>\n<p>CUSUM score {m.Score:0.0} against the threshold {m.Threshold:0.#}; drift d = 1 - cos(short, long) = {m.Drift:0.000}, self-normalised z = {m.Z:0.00}. "))
                .Append(HtmlReportPage.Escape(m.Explanation.Summary)).Append(".</p>\n");
            if (outcome.Histories.TryGetValue(m.User, out var history) && history.Count > 0)
            {
                AppendHistory(html, m, history, outcome.Mutations.Where(o => o.User == m.User).ToList());
            }

            var shifts = m.Explanation.Gained.Concat(m.Explanation.Lost).ToList();
            if (shifts.Count > 0)
            {
                HtmlReportPage.AppendFigure(html, SvgChart.Shifts($"User {MutationShowcase.ShortUser(m.User)}: categories that rose and fell", shifts),
                    "The categories whose affinity rose most and fell most between the old interest (the long-horizon vector before the mutation) and the new one: the mutation's explanation.");
            }

            html.Append("<ul><li>Titles closer to the old interest: ").Append(HtmlReportPage.Escape(MutationShowcase.Titles(m.Explanation.ExamplesBefore)))
                .Append("</li>\n<li>Titles closer to the new interest: ").Append(HtmlReportPage.Escape(MutationShowcase.Titles(m.Explanation.ExamplesAfter))).Append("</li>\n");
            if (outcome.Releases.TryGetValue(m.MutationId, out var release))
            {
                html.Append("<li>").Append(Invariant($"Recommended right after the mutation ({release.Mechanism.Selection}, {HtmlReportPage.Escape(MutationShowcase.PrivacyNote(release))}): "))
                    .Append(HtmlReportPage.Escape(MutationShowcase.Titles(release.Items.Select(i => new ExampleItem(i.ItemId, i.Title))))).Append("</li>\n");
            }
            else
            {
                html.Append("<li>No recommendation was released: the user's privacy budget was spent, or the catalog held no candidate.</li>\n");
            }

            html.Append("</ul></div>\n");
        }
    }

    /// <summary>The share of the user's recent ratings in the categories that rose and in those that fell, per rating, with the mutation marked.</summary>
    private static void AppendHistory(StringBuilder html, MutationRecord m, IReadOnlyList<RawEvent> history, List<MutationRecord> userMutations)
    {
        var gained = m.Explanation.Gained.Select(s => s.Category).ToHashSet(StringComparer.Ordinal);
        var lost = m.Explanation.Lost.Select(s => s.Category).ToHashSet(StringComparer.Ordinal);
        var window = Math.Clamp(history.Count / 25, MinWindow, MaxWindow);
        var chart = new SvgChart($"User {MutationShowcase.ShortUser(m.User)}: genre mix of the last {window} ratings", "rating number in the user's history", "share of the ratings");
        chart.XRange(1, Math.Max(history.Count, 2));
        chart.YRange(0, 1);
        if (gained.Count > 0)
        {
            chart.Line($"in {string.Join(", ", gained)} (rose)", "#2ca02c", Share(history, gained, window), markers: false);
        }

        if (lost.Count > 0)
        {
            chart.Line($"in {string.Join(", ", lost)} (fell)", "#d62728", Share(history, lost, window), markers: false);
        }

        chart.Vertical(m.Events, "#d62728");
        chart.Track("mutations", "#444", userMutations.Select(o => (double)o.Events));
        HtmlReportPage.AppendFigure(html, chart.Render(), Invariant(
            $"Each point: the share of the user's last {window} ratings (or fewer at the start) with a genre among those the explanation names. Dashed red line: this mutation, at rating {m.Events:N0}; triangles: every mutation flagged for this user."));
    }

    private static List<(double X, double Y)> Share(IReadOnlyList<RawEvent> history, HashSet<string> categories, int window)
    {
        var points = new List<(double X, double Y)>(history.Count);
        var inWindow = 0;
        for (var i = 0; i < history.Count; i++)
        {
            inWindow += Matches(history[i], categories) ? 1 : 0;
            if (i >= window)
            {
                inWindow -= Matches(history[i - window], categories) ? 1 : 0;
            }

            points.Add((i + 1, (double)inWindow / Math.Min(i + 1, window)));
        }

        return points;
    }

    private static bool Matches(RawEvent e, HashSet<string> categories) => e.Categories?.Any(categories.Contains) == true;
}
