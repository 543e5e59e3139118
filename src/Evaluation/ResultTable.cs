using System.Globalization;

namespace StreamRec.Evaluation;

/// <summary>The results table, as plain text for the terminal (the report shows the same rows).</summary>
public static class ResultTable
{
    public static readonly string[] Columns =
        ["detector", "setting", "recall", "median delay", "p90 delay", "FA/1k events", "FA/1k no-change users", "precision", "F1"];

    /// <summary>The cells of one row, formatted.</summary>
    public static string[] Cells(SelectedDetector row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var r = row.Point.Test;
        return
        [
            row.Detector, row.Point.Describe(), Format(r.Recall, "0.000"), Format(r.MedianDelay, "0"), Format(r.P90Delay, "0"),
            Format(r.FalseAlarmsPerThousand, "0.00"), Format(r.StationaryFalseAlarmsPerThousand, "0.00"), Format(r.Precision, "0.000"), Format(r.F1, "0.000"),
        ];
    }

    /// <summary>The table's lines: a heading, then one block per selection (all, or those named in <paramref name="selections"/>).</summary>
    public static List<string> Lines(GroundTruthResult result, IReadOnlyCollection<string>? selections = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var lines = new List<string> { $"{result.Name}: {result.Description}; max delay {result.MaxDelay} events" };
        var shown = result.Selected.Where(row => selections is null || selections.Contains(row.Selection)).ToList();
        var rows = shown.Select(Cells).ToList();
        var widths = Columns.Select((c, i) => Math.Max(c.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        string Line(string[] cells) => "  " + string.Join("  ", cells.Select((c, i) => i < 2 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd();
        foreach (var group in shown.Select((row, i) => (row, i)).GroupBy(x => x.row.Selection))
        {
            lines.Add($"  [{group.Key}]");
            lines.Add(Line(Columns));
            lines.AddRange(group.Select(x => Line(rows[x.i])));
        }

        return lines;
    }

    public static string Format(double value, string format) =>
        double.IsNaN(value) ? "-" : value.ToString(format, CultureInfo.InvariantCulture);
}
