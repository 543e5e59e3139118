namespace StreamRec.Evaluation;

/// <summary>
/// How separable real users' interests are in an item representation, before any detector: per splice
/// (user A's prefix, then user B's events, <see cref="SpliceStreamGenerator"/>), the AUC of a score
/// telling A's last <c>heldOut</c> events before the splice (positives, expected to score higher) from
/// B's first <c>heldOut</c> events (negatives), the score comparing an event with A's earlier events
/// (those before the held-out ones). An AUC of 0.5 is no separation at all, 1 a perfect one; a per-event
/// statistic such as the detector's cannot see a change better than its events tell the two users apart.
/// Splices whose prefix leaves fewer than <see cref="MinContext"/> earlier events are skipped.
/// </summary>
public static class EncoderSeparability
{
    /// <summary>Events of A (and of B) scored per splice.</summary>
    public const int HeldOut = 30;

    /// <summary>Fewest events of A before the held-out ones: the score needs some of A's history to compare with.</summary>
    public const int MinContext = 20;

    /// <summary>The AUC above which a splice counts as well separated.</summary>
    public const double Separated = 0.8;

    /// <summary>Bootstrap streams of <see cref="EvaluationRandom.For"/>: apart from the other bootstraps and the stream generators.</summary>
    private const ulong BootstrapPurpose = 0x5757_0003UL;

    /// <summary>
    /// Per splice, the AUC of cos(e, c_A), c_A the sum of the embeddings of A's events before the held-out
    /// ones (the direction of A's interests, weighting every event alike).
    /// </summary>
    public static List<double> CentroidAucs(ItemEmbeddings items, IReadOnlyList<EvaluationStream> splices, int heldOut = HeldOut)
    {
        ArgumentNullException.ThrowIfNull(items);
        return Aucs(splices, heldOut, context =>
        {
            var centroid = new double[items.Dimension];
            foreach (var item in context)
            {
                var e = items[item];
                for (var j = 0; j < centroid.Length; j++)
                {
                    centroid[j] += e[j];
                }
            }

            return item => Cosine(items[item], centroid);
        });
    }

    /// <summary>
    /// Per splice, the AUC of the largest cosine between e and any of A's last <paramref name="neighbours"/>
    /// events before the held-out ones: a user whose interests are several clusters is close to one of them,
    /// which a centroid between the clusters can miss.
    /// </summary>
    public static List<double> NearestNeighbourAucs(ItemEmbeddings items, IReadOnlyList<EvaluationStream> splices, int neighbours, int heldOut = HeldOut)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(neighbours);
        return Aucs(splices, heldOut, context =>
        {
            var recent = context[Math.Max(0, context.Length - neighbours)..];
            return item =>
            {
                var e = items[item];
                var best = double.NegativeInfinity;
                foreach (var other in recent)
                {
                    best = Math.Max(best, Cosine(e, items[other]));
                }

                return best;
            };
        });
    }

    /// <summary>
    /// The probability that a positive scores above a negative, ties counted 1/2 (the Mann-Whitney U over
    /// the product of the counts); NaN when either side is empty.
    /// </summary>
    public static double Auc(IReadOnlyList<double> positives, IReadOnlyList<double> negatives)
    {
        ArgumentNullException.ThrowIfNull(positives);
        ArgumentNullException.ThrowIfNull(negatives);
        if (positives.Count == 0 || negatives.Count == 0)
        {
            return double.NaN;
        }

        double wins = 0;
        foreach (var p in positives)
        {
            foreach (var n in negatives)
            {
                wins += p > n ? 1 : p == n ? 0.5 : 0;
            }
        }

        return wins / ((double)positives.Count * negatives.Count);
    }

    /// <summary>
    /// The mean of <paramref name="aucs"/> with a 95% percentile bootstrap interval over splices from
    /// <paramref name="resamples"/> resamples, and the share above <see cref="Separated"/>. The resamples
    /// depend on the seed and the number of splices only, so rows over the same splices are resampled alike.
    /// </summary>
    public static SeparabilityRow Summarise(string representation, string score, IReadOnlyList<double> aucs, ulong seed, int resamples)
    {
        ArgumentNullException.ThrowIfNull(aucs);
        var (low, high) = MeanBootstrap.Interval(aucs, EvaluationRandom.For(seed, BootstrapPurpose, 0), resamples);
        return aucs.Count == 0
            ? new SeparabilityRow(representation, score, 0, double.NaN, low, high, double.NaN)
            : new SeparabilityRow(representation, score, aucs.Count, aucs.Average(), low, high, aucs.Count(a => a > Separated) / (double)aucs.Count);
    }

    /// <summary>The AUC of every splice long enough, with the score built from A's events before the held-out ones.</summary>
    private static List<double> Aucs(IReadOnlyList<EvaluationStream> splices, int heldOut, Func<int[], Func<int, double>> scoreFor)
    {
        ArgumentNullException.ThrowIfNull(splices);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(heldOut);
        var aucs = new List<double>(splices.Count);
        foreach (var splice in splices)
        {
            if (splice.ChangePoints.Length == 0)
            {
                throw new ArgumentException($"{splice.Label} has no splice point.", nameof(splices));
            }

            var point = splice.ChangePoints[0];
            var end = Math.Min(splice.Length, point + heldOut);
            if (point < heldOut + MinContext || end == point)
            {
                continue;
            }

            var score = scoreFor(splice.Items[..(point - heldOut)]);
            aucs.Add(Auc([.. splice.Items[(point - heldOut)..point].Select(score)], [.. splice.Items[point..end].Select(score)]));
        }

        return aucs;
    }

    /// <summary>The cosine of two vectors; 0 when either is zero (an item without features has no direction).</summary>
    private static double Cosine(ReadOnlySpan<float> e, ReadOnlySpan<float> other)
    {
        double dot = 0, ee = 0, oo = 0;
        for (var j = 0; j < e.Length; j++)
        {
            dot += (double)e[j] * other[j];
            ee += (double)e[j] * e[j];
            oo += (double)other[j] * other[j];
        }

        return ee == 0 || oo == 0 ? 0 : dot / Math.Sqrt(ee * oo);
    }

    /// <summary>The cosine of an item's vector and a sum of vectors; 0 when either is zero.</summary>
    private static double Cosine(ReadOnlySpan<float> e, ReadOnlySpan<double> c)
    {
        double dot = 0, ee = 0, cc = 0;
        for (var j = 0; j < e.Length; j++)
        {
            dot += e[j] * c[j];
            ee += (double)e[j] * e[j];
            cc += c[j] * c[j];
        }

        return ee == 0 || cc == 0 ? 0 : dot / Math.Sqrt(ee * cc);
    }
}
