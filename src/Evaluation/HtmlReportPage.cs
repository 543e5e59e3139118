using System.Net;
using System.Text;

namespace StreamRec.Evaluation;

/// <summary>
/// The page around every StreamRec report (<c>eval</c>, <c>demo</c>): one self-contained HTML file with
/// inline CSS and SVG figures, no script and no external asset, so it opens anywhere and can be archived
/// as it is; written atomically, so a reader never sees half a report.
/// </summary>
public static class HtmlReportPage
{
    private const string Style =
        "body{font-family:sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}" +
        "table{border-collapse:collapse;font-size:13px;margin:.5em 0 1em}th,td{border:1px solid #ccc;padding:3px 7px}" +
        "td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f0f0f0}" +
        "figure{margin:1em 0}figcaption{font-size:13px;color:#444;max-width:960px}h2{border-bottom:1px solid #ccc;margin-top:2em}";

    /// <summary>The head, the title as a heading and one paragraph per note; finish with <see cref="End"/>.</summary>
    public static StringBuilder Begin(string title, IEnumerable<string> notes, string? extraStyle = null)
    {
        ArgumentNullException.ThrowIfNull(notes);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(Escape(title)).Append("</title>\n<style>")
            .Append(Style).Append(extraStyle).Append("</style></head><body>\n<h1>").Append(Escape(title)).Append("</h1>\n");
        foreach (var note in notes)
        {
            html.Append("<p>").Append(Escape(note)).Append("</p>\n");
        }

        return html;
    }

    public static string End(StringBuilder html)
    {
        ArgumentNullException.ThrowIfNull(html);
        return html.Append("</body></html>\n").ToString();
    }

    /// <summary>An SVG figure with its caption (plain text, escaped here).</summary>
    public static void AppendFigure(StringBuilder html, string svg, string caption)
    {
        ArgumentNullException.ThrowIfNull(html);
        html.Append("<figure>").Append(svg).Append("<figcaption>").Append(Escape(caption)).Append("</figcaption></figure>\n");
    }

    /// <summary>Writes the page atomically (a temporary file renamed into place); creates the directory.</summary>
    public static void Write(string path, string html)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + ".tmp";
        File.WriteAllText(temporary, html, new UTF8Encoding(false));
        File.Move(temporary, full, overwrite: true);
    }

    public static string Escape(string text) => WebUtility.HtmlEncode(text);
}
