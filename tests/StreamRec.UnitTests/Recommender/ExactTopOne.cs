namespace StreamRec.UnitTests.Recommender;

/// <summary>
/// The exact output distribution of one report-noisy-max round on integer scores c_j with iid discrete
/// Laplace noise of scale t, ties broken uniformly: P(i) = sum over v of P(c_i + Z_i = v) E[1/(1 + #ties)
/// ; all others &lt;= v], by dynamic programming over the other candidates (number tying at v). Noise beyond
/// 60 t is ignored: its mass is below e^-60.
/// </summary>
internal static class ExactTopOne
{
    public static double[] Probabilities(long[] units, long scale, IReadOnlyCollection<int> alive)
    {
        var q = Math.Exp(-1.0 / scale);
        var norm = (1 - q) / (1 + q);
        double Pmf(long z) => norm * Math.Pow(q, Math.Abs(z));
        double Cdf(long z) => z >= 0 ? 1 - (Math.Pow(q, z + 1) / (1 + q)) : Math.Pow(q, -z) / (1 + q);

        var reach = 60 * scale;
        var result = new double[units.Length];
        foreach (var i in alive)
        {
            var total = 0.0;
            for (var v = units[i] - reach; v <= units[i] + reach; v++)
            {
                var ties = new double[alive.Count + 1];
                ties[0] = 1;
                var m = 0;
                foreach (var j in alive)
                {
                    if (j == i)
                    {
                        continue;
                    }

                    var below = Cdf(v - units[j] - 1);
                    var equal = Pmf(v - units[j]);
                    m++;
                    for (var r = m; r >= 0; r--)
                    {
                        ties[r] = (ties[r] * below) + (r > 0 ? ties[r - 1] * equal : 0);
                    }
                }

                var share = 0.0;
                for (var r = 0; r <= m; r++)
                {
                    share += ties[r] / (r + 1);
                }

                total += Pmf(v - units[i]) * share;
            }

            result[i] = total;
        }

        return result;
    }
}
