using System.Globalization;

namespace StreamRec.UnitTests.Recommender;

/// <summary>
/// An empirical differential-privacy audit: run a mechanism many times on two neighbouring inputs, count
/// each output, and look for an output o whose probabilities violate p(o) &lt;= e^ε p'(o) (either way)
/// with statistical confidence. A violation is declared only when the Chernoff LOWER bound of p(o)
/// exceeds e^ε times the Chernoff UPPER bound of p'(o). Each bound fails with probability at most alpha
/// (exactly, at any n); with alpha = family/(4 |outputs|) over every possible output and both sides, a
/// mechanism that is ε-DP is reported as violating with probability at most <c>family</c> (Bonferroni).
/// An audit can only find violations, never prove privacy: it complements the proof, and shows the
/// tests would catch a mechanism whose noise is too small.
/// </summary>
internal static class PrivacyAudit
{
    public static AuditResult Run(Func<string> mechanismOnFirst, Func<string> mechanismOnSecond, int runs, double epsilon, int possibleOutputs, double family)
    {
        var first = Count(mechanismOnFirst, runs);
        var second = Count(mechanismOnSecond, runs);
        var alpha = family / (4.0 * possibleOutputs);
        var bound = Math.Exp(epsilon);
        var worst = (Ratio: 0.0, Output: "", Point: 0.0);
        var violations = new List<string>();
        foreach (var output in first.Keys.Union(second.Keys))
        {
            var (a, b) = (first.GetValueOrDefault(output), second.GetValueOrDefault(output));
            foreach (var (x, y, direction) in new[] { (a, b, "p/p'"), (b, a, "p'/p") })
            {
                var confident = Statistics.LowerBound(x, runs, alpha) / Statistics.UpperBound(y, runs, alpha);
                var point = y == 0 ? double.PositiveInfinity : (double)x / y;
                if (confident > worst.Ratio)
                {
                    worst = (confident, $"{output} {direction}", point);
                }

                if (confident > bound)
                {
                    violations.Add(string.Create(CultureInfo.InvariantCulture, $"{output}: {direction} >= {confident:0.00} (point estimate {point:0.00}) > e^ε = {bound:0.00}"));
                }
            }
        }

        return new AuditResult(violations, worst.Ratio, worst.Output, worst.Point, bound, alpha);
    }

    private static Dictionary<string, long> Count(Func<string> mechanism, int runs)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < runs; i++)
        {
            var output = mechanism();
            counts[output] = counts.GetValueOrDefault(output) + 1;
        }

        return counts;
    }
}

/// <summary>What an audit found: the violations, and the largest ratio that is certain at the audit's confidence.</summary>
internal sealed record AuditResult(List<string> Violations, double WorstConfidentRatio, string WorstOutput, double WorstPointRatio, double Bound, double AlphaPerBound)
{
    public bool Violated => Violations.Count > 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"worst output {WorstOutput}: ratio >= {WorstConfidentRatio:0.000} with confidence (point estimate {WorstPointRatio:0.000}) against e^ε = {Bound:0.000}; alpha {AlphaPerBound:G3} per bound; {Violations.Count} violation(s){(Violated ? ": " + string.Join("; ", Violations.Take(3)) : "")}");
}
