using System.Globalization;
using System.Text;

namespace StreamRec.Evaluation;

/// <summary>
/// The reports' SVG writer: a line chart (the eval and demo reports share it) and, in SvgChart.Shifts.cs,
/// the demo's before/after chart of category affinities. Written as text so a report needs no
/// plotting library and no script: series (polylines with markers), vertical and horizontal reference
/// lines, and tracks of tick marks above the plot (a timeline's alarms). A log x axis draws values at or below its minimum on the left
/// edge, so a zero false-alarm rate stays visible. <paramref name="xFormat"/> formats the x tick labels
/// (e.g. "0" for years, which the default would write as "2,000").
/// </summary>
public sealed partial class SvgChart(string title, string xLabel, string yLabel, bool logX = false, string? xFormat = null)
{
    private const double Width = 960;
    private const double Left = 64;
    private const double Right = 310; // room for the legend and the track labels
    private const double Top = 34;
    private const double PlotHeight = 240;
    private const double Bottom = 44;
    private const double TrackHeight = 14;

    private readonly List<Series> _series = [];
    private readonly List<(double X, string Color)> _verticals = [];
    private readonly List<(double Y, string Color, string Label)> _horizontals = [];
    private readonly List<(string Label, string Color, double[] Xs)> _tracks = [];
    private (double Min, double Max)? _xRange;
    private (double Min, double Max)? _yRange;

    public void XRange(double min, double max) => _xRange = (min, max);

    public void YRange(double min, double max) => _yRange = (min, max);

    /// <summary>A polyline through the points (in order); <paramref name="highlight"/> marks one point with a ring.</summary>
    public void Line(string name, string color, IReadOnlyList<(double X, double Y)> points, bool markers = true, int? highlight = null, string? dash = null) =>
        _series.Add(new Series(name, color, points, markers, highlight, dash));

    public void Vertical(double x, string color) => _verticals.Add((x, color));

    public void Horizontal(double y, string color, string label) => _horizontals.Add((y, color, label));

    /// <summary>A row of ticks above the plot at the given x positions (e.g. one detector's alarms).</summary>
    public void Track(string label, string color, IEnumerable<double> xs) => _tracks.Add((label, color, xs.ToArray()));

    public string Render()
    {
        var points = _series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        var (xMin, xMax) = _xRange ?? (points.Count == 0 ? (0, 1) : (points.Min(p => p.X), points.Max(p => p.X)));
        var (yMin, yMax) = _yRange ?? (0, points.Count == 0 ? 1 : Math.Max(points.Max(p => p.Y), 1e-9) * 1.05);
        if (logX)
        {
            xMin = Math.Max(xMin, 1e-6);
            xMax = Math.Max(xMax, xMin * 10);
        }
        else if (xMax <= xMin)
        {
            xMax = xMin + 1;
        }

        var tracksHeight = _tracks.Count * TrackHeight;
        var plotTop = Top + tracksHeight + (_tracks.Count > 0 ? 6 : 0);
        var height = plotTop + PlotHeight + Bottom;
        var plotWidth = Width - Left - Right;
        double Px(double x)
        {
            var t = logX ? (Math.Log10(Math.Max(x, xMin)) - Math.Log10(xMin)) / (Math.Log10(xMax) - Math.Log10(xMin)) : (x - xMin) / (xMax - xMin);
            return Left + (Math.Clamp(t, 0, 1) * plotWidth);
        }

        double Py(double y) => plotTop + PlotHeight - (Math.Clamp((y - yMin) / (yMax - yMin), 0, 1) * PlotHeight);

        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg viewBox=\"0 0 {Width} {height:0}\" width=\"{Width}\" height=\"{height:0}\" role=\"img\" font-family=\"sans-serif\" font-size=\"11\">"));
        svg.Append(Invariant($"<title>{Escape(title)}</title>"));
        svg.Append(Invariant($"<text x=\"{Left}\" y=\"16\" font-size=\"13\" font-weight=\"bold\">{Escape(title)}</text>"));
        svg.Append(Invariant($"<rect x=\"{Left}\" y=\"{plotTop:0.#}\" width=\"{plotWidth}\" height=\"{PlotHeight}\" fill=\"#fafafa\" stroke=\"#999\"/>"));

        foreach (var tick in logX ? LogTicks(xMin, xMax) : LinearTicks(xMin, xMax))
        {
            var x = Px(tick);
            svg.Append(Invariant($"<line x1=\"{x:0.#}\" y1=\"{plotTop:0.#}\" x2=\"{x:0.#}\" y2=\"{plotTop + PlotHeight:0.#}\" stroke=\"#e4e4e4\"/>"));
            svg.Append(Invariant($"<text x=\"{x:0.#}\" y=\"{plotTop + PlotHeight + 14:0.#}\" text-anchor=\"middle\">{(xFormat is null ? Label(tick) : tick.ToString(xFormat, CultureInfo.InvariantCulture))}</text>"));
        }

        foreach (var tick in LinearTicks(yMin, yMax))
        {
            var y = Py(tick);
            svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{y:0.#}\" x2=\"{Left + plotWidth}\" y2=\"{y:0.#}\" stroke=\"#e4e4e4\"/>"));
            svg.Append(Invariant($"<text x=\"{Left - 5}\" y=\"{y + 4:0.#}\" text-anchor=\"end\">{Label(tick)}</text>"));
        }

        svg.Append(Invariant($"<text x=\"{Left + (plotWidth / 2)}\" y=\"{height - 8:0}\" text-anchor=\"middle\">{Escape(xLabel)}</text>"));
        svg.Append(Invariant($"<text transform=\"translate(14 {plotTop + (PlotHeight / 2):0.#}) rotate(-90)\" text-anchor=\"middle\">{Escape(yLabel)}</text>"));

        foreach (var (x, color) in _verticals)
        {
            svg.Append(Invariant($"<line x1=\"{Px(x):0.#}\" y1=\"{Top:0.#}\" x2=\"{Px(x):0.#}\" y2=\"{plotTop + PlotHeight:0.#}\" stroke=\"{color}\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>"));
        }

        foreach (var (y, color, label) in _horizontals)
        {
            svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{Py(y):0.#}\" x2=\"{Left + plotWidth}\" y2=\"{Py(y):0.#}\" stroke=\"{color}\" stroke-dasharray=\"2 2\"/>"));
            svg.Append(Invariant($"<text x=\"{Left + plotWidth - 4}\" y=\"{Py(y) - 3:0.#}\" text-anchor=\"end\" fill=\"{color}\">{Escape(label)}</text>"));
        }

        for (var t = 0; t < _tracks.Count; t++)
        {
            var (label, color, xs) = _tracks[t];
            var y = Top + (t * TrackHeight) + (TrackHeight / 2);
            svg.Append(Invariant($"<text x=\"{Left + plotWidth + 8}\" y=\"{y + 4:0.#}\" fill=\"{color}\">{Escape(label)}</text>"));
            foreach (var x in xs)
            {
                svg.Append(Invariant($"<path d=\"M{Px(x) - 4:0.#} {y - 5:0.#} L{Px(x) + 4:0.#} {y - 5:0.#} L{Px(x):0.#} {y + 4:0.#} Z\" fill=\"{color}\"/>"));
            }
        }

        var legendY = plotTop + 8;
        foreach (var series in _series)
        {
            var visible = series.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
            if (visible.Count > 0)
            {
                var path = string.Join(' ', visible.Select(p => Invariant($"{Px(p.X):0.#},{Py(p.Y):0.#}")));
                svg.Append(Invariant($"<polyline points=\"{path}\" fill=\"none\" stroke=\"{series.Color}\" stroke-width=\"1.6\"{(series.Dash is null ? "" : $" stroke-dasharray=\"{series.Dash}\"")}/>"));
                if (series.Markers)
                {
                    foreach (var p in visible)
                    {
                        svg.Append(Invariant($"<circle cx=\"{Px(p.X):0.#}\" cy=\"{Py(p.Y):0.#}\" r=\"2.2\" fill=\"{series.Color}\"/>"));
                    }
                }

                if (series.Highlight is { } h && h >= 0 && h < series.Points.Count && double.IsFinite(series.Points[h].X) && double.IsFinite(series.Points[h].Y))
                {
                    var p = series.Points[h];
                    svg.Append(Invariant($"<circle cx=\"{Px(p.X):0.#}\" cy=\"{Py(p.Y):0.#}\" r=\"6\" fill=\"none\" stroke=\"{series.Color}\" stroke-width=\"2\"/>"));
                }
            }

            svg.Append(Invariant($"<line x1=\"{Left + plotWidth + 8}\" y1=\"{legendY:0.#}\" x2=\"{Left + plotWidth + 26}\" y2=\"{legendY:0.#}\" stroke=\"{series.Color}\" stroke-width=\"2\"/>"));
            svg.Append(Invariant($"<text x=\"{Left + plotWidth + 30}\" y=\"{legendY + 4:0.#}\">{Escape(series.Name)}</text>"));
            legendY += 16;
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    private static IEnumerable<double> LinearTicks(double min, double max)
    {
        var step = NiceStep((max - min) / 5);
        for (var tick = Math.Ceiling(min / step) * step; tick <= max + (step * 1e-9); tick += step)
        {
            yield return Math.Abs(tick) < step * 1e-9 ? 0 : tick;
        }
    }

    private static IEnumerable<double> LogTicks(double min, double max)
    {
        for (var exponent = (int)Math.Floor(Math.Log10(min)); exponent <= (int)Math.Ceiling(Math.Log10(max)); exponent++)
        {
            var tick = Math.Pow(10, exponent);
            if (tick >= min * 0.999 && tick <= max * 1.001)
            {
                yield return tick;
            }
        }
    }

    private static double NiceStep(double raw)
    {
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(Math.Max(raw, 1e-12))));
        var fraction = raw / magnitude;
        return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude;
    }

    private static string Label(double value) => value.ToString(Math.Abs(value) >= 1000 ? "N0" : "0.###", CultureInfo.InvariantCulture);

    private static string Escape(string text) => HtmlReportPage.Escape(text);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record Series(string Name, string Color, IReadOnlyList<(double X, double Y)> Points, bool Markers, int? Highlight, string? Dash);
}
