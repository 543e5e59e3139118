namespace StreamRec.Evaluation;

/// <summary>
/// The two-sample Kolmogorov-Smirnov test for two samples of the same size, as scipy's
/// <c>stats.ks_2samp</c> computes it (two-sided, mode "auto", which is exact at these sizes): the
/// statistic D = sup |F1 - F2| over the right-continuous empirical CDFs, and the exact p-value
/// P(D_{n,n} &gt;= h/n), h = round(D n), by scipy's <c>_compute_prob_outside_square</c>, the reflection
/// sum 2 Σ_{k&gt;=1} (-1)^{k+1} C(2n, n - kh) / C(2n, n) evaluated by a Horner-like product.
/// </summary>
internal static class KolmogorovSmirnov
{
    /// <summary>D between two samples of the same size; both are sorted in place.</summary>
    public static double Statistic(Span<double> first, Span<double> second)
    {
        if (first.Length != second.Length || first.Length == 0)
        {
            throw new ArgumentException("The two samples must be non-empty and of the same size.", nameof(second));
        }

        first.Sort();
        second.Sort();
        var n = first.Length;
        var (i, j, largest) = (0, 0, 0);
        while (i < n && j < n)
        {
            // Both empirical CDFs just after the smallest value not yet passed, ties taken together.
            var value = Math.Min(first[i], second[j]);
            while (i < n && first[i] <= value)
            {
                i++;
            }

            while (j < n && second[j] <= value)
            {
                j++;
            }

            largest = Math.Max(largest, Math.Abs(i - j));
        }

        return (double)largest / n;
    }

    /// <summary>The two-sided exact p-value of <paramref name="statistic"/> for two samples of <paramref name="n"/> values each.</summary>
    public static double PValue(double statistic, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        var h = (int)Math.Round(statistic * n, MidpointRounding.ToEven);
        if (h == 0)
        {
            return 1;
        }

        // P = 2 A_0 (1 - A_1 (1 - A_2 (1 - ...))), A_k = C(2n, n - (k+1)h) / C(2n, n - kh) as h factors.
        var p = 0.0;
        for (var k = n / h; k >= 0; k--)
        {
            var term = 1.0;
            for (var j = 0; j < h; j++)
            {
                term = (n - (k * h) - j) * term / (n + (k * h) + j + 1);
            }

            p = term * (1 - p);
        }

        return Math.Clamp(2 * p, 0, 1);
    }
}
