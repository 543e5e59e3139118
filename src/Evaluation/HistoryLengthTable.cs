using System.Globalization;

namespace StreamRec.Evaluation;

/// <summary>
/// The history-length table (<see cref="HistoryLengthStrata"/>), as plain text for the terminal, laid out
/// as <see cref="ResultTable"/> lays out its table; the report shows the same cells.
/// </summary>
public static class HistoryLengthTable
{
    /// <summary>The table's heading: says what the rates are measured on and what a cell holds.</summary>
    public const string Heading =
        "False alarms per 1,000 events by history length (events per user), on the unspliced MovieLens users of the test split: rate [95% bootstrap interval over users] (users)";

    /// <summary>What a stratum without users shows.</summary>
    public const string Empty = "—";

    public static IReadOnlyList<string> Columns { get; } = ["detector", "setting", .. HistoryLengthStrata.Labels];

    /// <summary>The cells of one row, formatted: e.g. "0.42 [0.10, 0.85] (57)".</summary>
    public static string[] Cells(DetectorStrata row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return [row.Detector, row.Setting, .. row.Strata.Select(Cell)];
    }

    /// <summary>The heading, the column names and one line per row.</summary>
    public static List<string> Lines(IReadOnlyList<DetectorStrata> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var cells = rows.Select(Cells).ToList();
        var widths = Columns.Select((c, i) => Math.Max(c.Length, cells.Count == 0 ? 0 : cells.Max(r => r[i].Length))).ToArray();
        string Line(IReadOnlyList<string> row) => "  " + string.Join("  ", row.Select((c, i) => i < 2 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd();
        return [Heading, Line(Columns), .. cells.Select(Line)];
    }

    private static string Cell(StratumRate stratum) => stratum.Users == 0
        ? Empty
        : string.Create(CultureInfo.InvariantCulture,
            $"{ResultTable.Format(stratum.PerThousand, "0.00")} [{ResultTable.Format(stratum.Low, "0.00")}, {ResultTable.Format(stratum.High, "0.00")}] ({stratum.Users})");
}
