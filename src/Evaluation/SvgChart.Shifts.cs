using System.Text;
using StreamRec.Contracts;

namespace StreamRec.Evaluation;

// The demo report's before/after chart; the line chart is in SvgChart.cs.
public sealed partial class SvgChart
{
    private const double ShiftLeft = 150;
    private const double ShiftRight = 40;
    private const double ShiftRow = 22;
    private const double ShiftBottom = 40;
    private const string Rose = "#2ca02c";
    private const string Fell = "#d62728";

    /// <summary>
    /// How a mutation moved a user's category affinities (the demo report): one row per category, a grey dot
    /// at the affinity before (old interest), a coloured one after (new interest), joined by an arrow; green
    /// for a category that rose, red for one that fell. A dumbbell chart: the line chart's shared x axis
    /// does not fit one before/after pair per row, so it has its own layout, but the same page size, fonts
    /// and text helpers.
    /// </summary>
    public static string Shifts(string title, IReadOnlyList<CategoryShift> shifts)
    {
        ArgumentNullException.ThrowIfNull(shifts);
        var values = shifts.SelectMany(s => new[] { s.Before, s.After }).Append(0).ToList();
        var min = Math.Floor(values.Min() * 10) / 10;
        var max = Math.Ceiling(values.Max() * 10) / 10;
        if (max - min < 0.2)
        {
            max = min + 0.2;
        }

        var step = max - min > 1 ? 0.25 : 0.1;
        var plotWidth = Width - ShiftLeft - ShiftRight;
        var height = Top + (Math.Max(shifts.Count, 1) * ShiftRow) + ShiftBottom;
        double Px(double x) => ShiftLeft + ((x - min) / (max - min) * plotWidth);

        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg viewBox=\"0 0 {Width} {height:0}\" width=\"{Width}\" height=\"{height:0}\" role=\"img\" font-family=\"sans-serif\" font-size=\"11\">"));
        svg.Append(Invariant($"<title>{Escape(title)}</title><text x=\"{ShiftLeft}\" y=\"16\" font-size=\"13\" font-weight=\"bold\">{Escape(title)}</text>"));
        var axisY = height - ShiftBottom;
        for (var tick = min; tick <= max + 1e-9; tick += step)
        {
            var x = Px(tick);
            svg.Append(Invariant($"<line x1=\"{x:0.#}\" y1=\"{Top - 6}\" x2=\"{x:0.#}\" y2=\"{axisY:0.#}\" stroke=\"{(Math.Abs(tick) < 1e-9 ? "#999" : "#e4e4e4")}\"/>"));
            svg.Append(Invariant($"<text x=\"{x:0.#}\" y=\"{axisY + 14:0.#}\" text-anchor=\"middle\">{tick:0.##}</text>"));
        }

        svg.Append(Invariant($"<text x=\"{ShiftLeft + (plotWidth / 2)}\" y=\"{height - 8:0}\" text-anchor=\"middle\">affinity (cosine of the interest with the category's centroid): grey before, coloured after</text>"));
        for (var i = 0; i < shifts.Count; i++)
        {
            var shift = shifts[i];
            var y = Top + (i * ShiftRow) + (ShiftRow / 2);
            var color = shift.After >= shift.Before ? Rose : Fell;
            var (from, to) = (Px(shift.Before), Px(shift.After));
            var head = to >= from ? -5 : 5; // the arrowhead points from before to after
            svg.Append(Invariant($"<text x=\"{ShiftLeft - 8}\" y=\"{y + 4:0.#}\" text-anchor=\"end\">{Escape(shift.Category)}</text>"));
            svg.Append(Invariant($"<line x1=\"{from:0.#}\" y1=\"{y:0.#}\" x2=\"{to:0.#}\" y2=\"{y:0.#}\" stroke=\"{color}\" stroke-width=\"2\"/>"));
            svg.Append(Invariant($"<path d=\"M{to + head:0.#} {y - 4:0.#} L{to:0.#} {y:0.#} L{to + head:0.#} {y + 4:0.#}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\"/>"));
            svg.Append(Invariant($"<circle cx=\"{from:0.#}\" cy=\"{y:0.#}\" r=\"4\" fill=\"#888\"/><circle cx=\"{to:0.#}\" cy=\"{y:0.#}\" r=\"4\" fill=\"{color}\"/>"));
            svg.Append(Invariant($"<text x=\"{Math.Max(from, to) + 10:0.#}\" y=\"{y + 4:0.#}\" fill=\"{color}\">{shift.After - shift.Before:+0.00;-0.00}</text>"));
        }

        return svg.Append("</svg>").ToString();
    }
}
