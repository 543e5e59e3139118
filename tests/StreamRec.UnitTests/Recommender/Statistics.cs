namespace StreamRec.UnitTests.Recommender;

/// <summary>
/// The few distribution functions the statistical tests need, so that every threshold is computed from
/// a stated false-failure rate instead of being a magic number: the chi-square survival function
/// (regularised upper incomplete gamma, Numerical Recipes 6.2) and its inverse, and Chernoff (KL)
/// confidence bounds for a binomial proportion, which hold exactly (not asymptotically) at any n.
/// </summary>
internal static class Statistics
{
    /// <summary>P(X &gt; x) for X ~ chi-square with <paramref name="degrees"/> degrees of freedom.</summary>
    public static double ChiSquareSurvival(double x, int degrees) => x <= 0 ? 1 : UpperGamma(degrees / 2.0, x / 2);

    /// <summary>The x with P(X &gt; x) = alpha (bisection on the survival function).</summary>
    public static double ChiSquareCritical(int degrees, double alpha)
    {
        double lo = 0, hi = degrees + 100 + (20 * Math.Sqrt(degrees));
        while (ChiSquareSurvival(hi, degrees) > alpha)
        {
            hi *= 2;
        }

        for (var i = 0; i < 200; i++)
        {
            var mid = (lo + hi) / 2;
            (lo, hi) = ChiSquareSurvival(mid, degrees) > alpha ? (mid, hi) : (lo, mid);
        }

        return hi;
    }

    /// <summary>z with P(|N(0,1)| &gt; z) = alpha (N^2 is chi-square with one degree of freedom).</summary>
    public static double TwoSidedNormalCritical(double alpha) => Math.Sqrt(ChiSquareCritical(1, alpha));

    /// <summary>
    /// Upper confidence bound for p from k successes in n trials: the largest q &gt;= k/n with
    /// n kl(k/n, q) &lt;= ln(1/alpha). By the Chernoff bound P(p̂ &lt;= x) &lt;= exp(-n kl(x, p)) for x &lt; p,
    /// P(p &gt; bound) &lt;= alpha, exactly.
    /// </summary>
    public static double UpperBound(long k, long n, double alpha)
    {
        var p = (double)k / n;
        var limit = Math.Log(1 / alpha) / n;
        double lo = p, hi = 1;
        for (var i = 0; i < 100; i++)
        {
            var mid = (lo + hi) / 2;
            (lo, hi) = Kl(p, mid) <= limit ? (mid, hi) : (lo, mid);
        }

        return hi;
    }

    /// <summary>Lower confidence bound for p, the mirror of <see cref="UpperBound"/>: P(p &lt; bound) &lt;= alpha.</summary>
    public static double LowerBound(long k, long n, double alpha) => 1 - UpperBound(n - k, n, alpha);

    /// <summary>kl(p, q) = p ln(p/q) + (1 - p) ln((1 - p)/(1 - q)), the binary relative entropy.</summary>
    public static double Kl(double p, double q)
    {
        static double Term(double a, double b) => a == 0 ? 0 : b <= 0 ? double.PositiveInfinity : a * Math.Log(a / b);
        return Term(p, q) + Term(1 - p, 1 - q);
    }

    /// <summary>Pearson's statistic sum (O - E)^2/E.</summary>
    public static double ChiSquare(IReadOnlyList<double> observed, IReadOnlyList<double> expected)
    {
        var statistic = 0.0;
        for (var i = 0; i < observed.Count; i++)
        {
            var difference = observed[i] - expected[i];
            statistic += difference * difference / expected[i];
        }

        return statistic;
    }

    /// <summary>
    /// Merges neighbouring bins until every expected count is at least <paramref name="minimum"/> (the
    /// chi-square approximation needs it), keeping observed and expected aligned.
    /// </summary>
    public static (List<double> Observed, List<double> Expected) MergeSmallBins(IReadOnlyList<double> observed, IReadOnlyList<double> expected, double minimum)
    {
        var (o, e) = (new List<double>(), new List<double>());
        double accO = 0, accE = 0;
        for (var i = 0; i < observed.Count; i++)
        {
            accO += observed[i];
            accE += expected[i];
            if (accE >= minimum)
            {
                o.Add(accO);
                e.Add(accE);
                accO = accE = 0;
            }
        }

        if (accE > 0)
        {
            if (e.Count == 0)
            {
                o.Add(accO);
                e.Add(accE);
            }
            else
            {
                o[^1] += accO;
                e[^1] += accE;
            }
        }

        return (o, e);
    }

    private static double UpperGamma(double a, double x)
    {
        var logPrefix = (-x) + (a * Math.Log(x)) - LogGamma(a);
        if (x < a + 1)
        {
            // Series for P(a, x); Q = 1 - P.
            double term = 1 / a, sum = term;
            for (var n = 1; n < 10_000; n++)
            {
                term *= x / (a + n);
                sum += term;
                if (Math.Abs(term) < Math.Abs(sum) * 1e-16)
                {
                    break;
                }
            }

            return 1 - (sum * Math.Exp(logPrefix));
        }

        // Continued fraction for Q(a, x) (modified Lentz).
        const double tiny = 1e-300;
        var b = x + 1 - a;
        var c = 1 / tiny;
        var d = 1 / b;
        var h = d;
        for (var i = 1; i < 10_000; i++)
        {
            var an = -i * (i - a);
            b += 2;
            d = (an * d) + b;
            d = Math.Abs(d) < tiny ? tiny : d;
            c = b + (an / c);
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
            {
                break;
            }
        }

        return Math.Exp(logPrefix) * h;
    }

    private static double LogGamma(double x)
    {
        // Lanczos approximation (g = 7, n = 9), relative error below 1e-15 for x > 0.
        double[] c =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        if (x < 0.5)
        {
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }

        x -= 1;
        var sum = c[0];
        for (var i = 1; i < 9; i++)
        {
            sum += c[i] / (x + i);
        }

        var t = x + 7.5;
        return (0.5 * Math.Log(2 * Math.PI)) + ((x + 0.5) * Math.Log(t)) - t + Math.Log(sum);
    }
}
