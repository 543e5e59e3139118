using System.Globalization;
using System.Text.RegularExpressions;
using StreamRec.IntegrationTests.Infrastructure;

namespace StreamRec.IntegrationTests.Cli;

/// <summary>The real <c>streamrec eval</c> executable, on the real data set and a freshly trained encoder.</summary>
public sealed partial class EvalCommandTests : IDisposable
{
    private static readonly string[] Detectors = ["StreamRec CUSUM", "StreamRec CUSUM, fixed h (former)", "naive ||s_t - s_t-1||", "Page-Hinkley on d", "ADWIN on d", "KSWIN on d", "BOCPD on cos(e, l)"];

    private readonly string _directory = Directory.CreateTempSubdirectory("streamrec-eval-").FullName;

    [Fact]
    public async Task Quick_eval_compares_the_three_detectors_and_writes_a_report_with_plots()
    {
        // No model at --model: the command trains one first, so the test depends on no other test's files.
        var model = Path.Combine(_directory, "encoder.onnx");
        var report = Path.Combine(_directory, "report", "drift-eval.html");
        using var eval = ExternalProcess.StartStreamRec("eval", "--quick", "--model", model, "--report", report);
        await eval.WaitForExitAsync(TimeSpan.FromSeconds(300));

        Assert.True(eval.ExitCode == 0, $"exit {eval.ExitCode}\n{eval.StandardOutput}\n{eval.StandardError}");
        var output = eval.StandardOutput;
        Assert.Contains($"no encoder at {model}; training one", output, StringComparison.Ordinal);
        Assert.Contains("at the setting chosen on the calibration split", output, StringComparison.Ordinal);
        Assert.Contains("eval Synthetic:", eval.StandardError, StringComparison.Ordinal); // progress, on stderr

        var synthetic = BestRows(output, "Synthetic:");
        var real = BestRows(output, "MovieLens splices:");
        foreach (var rows in new[] { synthetic, real })
        {
            Assert.Equal(Detectors.Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        }

        // Measured on the quick run (seed 1): StreamRec recall 0.91 against the naive rule's 0.56, F1 0.89 against 0.11.
        // Page-Hinkley is as good as StreamRec on these streams (F1 0.88 against 0.89), so nothing is asserted between them.
        Assert.True(synthetic["StreamRec CUSUM"].Recall > synthetic["naive ||s_t - s_t-1||"].Recall, output);
        Assert.True(synthetic["StreamRec CUSUM"].F1 > synthetic["naive ||s_t - s_t-1||"].F1 + 0.3, output);
        Assert.True(synthetic["StreamRec CUSUM"].FalseAlarmsPerThousand < synthetic["naive ||s_t - s_t-1||"].FalseAlarmsPerThousand, output);

        // The controls' false alarms per history-length stratum, after the main tables, one row per detector (defaults included).
        var strata = output.IndexOf("False alarms per 1,000 events by history length", StringComparison.Ordinal);
        Assert.True(strata > output.IndexOf("MovieLens splices:", StringComparison.Ordinal), output);
        Assert.Matches(@"detector +setting +< 80 +80-150 +151-300 +> 300", output[strata..]);

        // The families' curves and StreamRec's targets follow, one table per family and a verdict per target.
        var curves = output.IndexOf("Operating curves on MovieLens families", StringComparison.Ordinal);
        Assert.True(curves > strata, output);
        foreach (var family in new[] { "splice", "dissimilar", "gradual", "returning", "added" })
        {
            Assert.Matches($@"\n  {family}: \d+ streams, \d+ changes", output[curves..]);
        }

        Assert.Matches(@"detector +FA<=0\.1 +FA<=0\.5 +FA<=1 +FA<=2 +FA<=1 every stratum +median delay", output[curves..]);
        Assert.Matches(@"recall on splice >= 0\.6: (met|missed)", output[curves..]);
        Assert.Matches(@"recall on dissimilar >= 0\.8: (met|missed)", output[curves..]);
        Assert.Matches(@"median delay on splice <= 8 events: (met|missed)", output[curves..]);
        Assert.Matches(@"curve at or above every baseline's from 0\.1 to 2 .*: (met|missed)", output[curves..]);

        // How separable the test split's users are in the encoder's space, last: one row per item representation and the nearest-neighbour score.
        var separability = output.IndexOf("Encoder separability on the MovieLens splices", StringComparison.Ordinal);
        Assert.True(separability > curves, output);
        Assert.Matches(@"items embedded from +score +mean AUC \[95% interval\] +AUC > 0\.8 +splices", output[separability..]);
        foreach (var representation in new[] { "encoder, all features", "id only (collaborative)", "content only (genres, decade, title)", "genres only" })
        {
            Assert.Matches($@"\n  {Regex.Escape(representation)} +cos\(e, sum of A's earlier events\) +0\.\d{{3}} \[0\.\d{{3}}, [01]\.\d{{3}}\] +\d+% +\d+", output[separability..]);
        }

        Assert.Matches(@"\n  encoder, all features +max cos\(e, one of A's last 10 earlier events\) +0\.\d{3}", output[separability..]);

        Assert.True(File.Exists(report), $"no report at {report}");
        var html = await File.ReadAllTextAsync(report);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        // Per ground truth: two curves and three example timelines; then one chart per family (5, and the splices' 4 genre bands).
        Assert.Equal((2 * (2 + 3)) + 5 + 4, Regex.Count(html, "<svg "));
        Assert.Contains("<h2>Operating curves on MovieLens families</h2>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<h2>False alarms by history length</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<h2>Encoder separability</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<td>id only (collaborative)</td>", html, StringComparison.Ordinal);
        Assert.Contains($"report written to {report}", output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>The "[best F1 on calibration]" rows of one ground truth's table, by detector.</summary>
    private static Dictionary<string, Row> BestRows(string output, string heading)
    {
        var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var start = lines.FindIndex(l => l.StartsWith(heading, StringComparison.Ordinal));
        Assert.True(start >= 0, $"no table for {heading}\n{output}");
        var block = lines.FindIndex(start, l => l.Trim() == "[best F1 on calibration]");
        var rows = new Dictionary<string, Row>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(block + 2).TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal) && !l.TrimStart().StartsWith('[')))
        {
            var cells = Columns().Split(line.Trim());
            Assert.True(cells.Length == 9, $"row with {cells.Length} cells: {line}");
            rows.Add(cells[0], new Row(Number(cells[2]), Number(cells[5]), Number(cells[8])));
        }

        return rows;
    }

    private static double Number(string cell) => cell == "-" ? double.NaN : double.Parse(cell, CultureInfo.InvariantCulture);

    [GeneratedRegex(" {2,}")]
    private static partial Regex Columns();

    private sealed record Row(double Recall, double FalseAlarmsPerThousand, double F1);
}
