using System.Globalization;

namespace StreamRec.Evaluation;

/// <summary>
/// The encoder-separability table (<see cref="EncoderSeparability"/>), as plain text for the terminal, laid
/// out as <see cref="HistoryLengthTable"/> lays out its table; the report shows the same cells.
/// </summary>
public static class EncoderSeparabilityTable
{
    /// <summary>The table's heading: says what is measured and what a cell holds.</summary>
    public static readonly string Heading = string.Create(CultureInfo.InvariantCulture,
        $"Encoder separability on the MovieLens splices of the test split: per splice, the AUC of a score telling A's last {EncoderSeparability.HeldOut} events before the splice from B's first {EncoderSeparability.HeldOut}, scored against A's earlier events; mean over splices [95% bootstrap interval over splices], share of splices with AUC > {EncoderSeparability.Separated:0.0#}");

    public static IReadOnlyList<string> Columns { get; } = ["items embedded from", "score", "mean AUC [95% interval]", string.Create(CultureInfo.InvariantCulture, $"AUC > {EncoderSeparability.Separated:0.0#}"), "splices"];

    /// <summary>The cells of one row, formatted: e.g. "0.706 [0.690, 0.722]", "18%", "335".</summary>
    public static string[] Cells(SeparabilityRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return
        [
            row.Representation, row.Score,
            string.Create(CultureInfo.InvariantCulture, $"{ResultTable.Format(row.MeanAuc, "0.000")} [{ResultTable.Format(row.Low, "0.000")}, {ResultTable.Format(row.High, "0.000")}]"),
            double.IsNaN(row.ShareSeparated) ? "-" : row.ShareSeparated.ToString("0%", CultureInfo.InvariantCulture),
            row.Splices.ToString(CultureInfo.InvariantCulture),
        ];
    }

    /// <summary>The heading, the column names and one line per row.</summary>
    public static List<string> Lines(IReadOnlyList<SeparabilityRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var cells = rows.Select(Cells).ToList();
        var widths = Columns.Select((c, i) => Math.Max(c.Length, cells.Count == 0 ? 0 : cells.Max(r => r[i].Length))).ToArray();
        string Line(IReadOnlyList<string> row) => "  " + string.Join("  ", row.Select((c, i) => i < 2 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd();
        return [Heading, Line(Columns), .. cells.Select(Line)];
    }
}
