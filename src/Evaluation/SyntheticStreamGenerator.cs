namespace StreamRec.Evaluation;

/// <summary>
/// Ground truth 1: synthetic users drawing real catalog items from a few interest clusters. A user
/// mixes 1 to 3 clusters (mixing weights uniform on the simplex) and draws each event's cluster by
/// those weights, an item of it by the cluster's draw weights, and the event weight from a pool (the
/// type weights of the real ratings). A switching user's clusters are replaced, at known positions, by
/// clusters the user has never used; a stationary user keeps theirs. Each user has its own seeded
/// generator, so a user's stream does not depend on the others.
/// </summary>
public static class SyntheticStreamGenerator
{
    private const ulong Purpose = 1;

    /// <summary>Users 0 .. n-1: the first round(n x SwitchingShare) switch, the others are stationary.</summary>
    public static List<EvaluationStream> Generate(IReadOnlyList<ItemCluster> clusters, IReadOnlyList<float> weightPool, SyntheticStreamOptions options, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(clusters);
        ArgumentNullException.ThrowIfNull(weightPool);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(clusters.Count);
        if (weightPool.Count == 0 || clusters.Any(c => c.Items.Length == 0 || c.Items.Length != c.DrawWeights.Length))
        {
            throw new ArgumentException("Synthetic streams need event weights and clusters with one draw weight per item.");
        }

        var cumulative = clusters.Select(c => Cumulative(c.DrawWeights)).ToArray();
        var switching = (int)Math.Round(options.Users * options.SwitchingShare);
        var streams = new List<EvaluationStream>(options.Users);
        for (var user = 0; user < options.Users; user++)
        {
            var random = EvaluationRandom.For(seed, Purpose, user);
            var changes = user < switching ? SwitchPositions(options, random) : [];
            var items = new int[options.EventsPerUser];
            var weights = new float[options.EventsPerUser];
            var unused = Enumerable.Range(0, clusters.Count).ToList();
            random.Shuffle(unused);
            var next = 0;
            var segmentStart = 0;
            foreach (var segmentEnd in changes.Append(options.EventsPerUser))
            {
                var count = random.NextInt(options.MinClustersPerUser, options.MaxClustersPerUser);
                var mix = unused.GetRange(next, count);
                next += count;
                var mixWeights = Cumulative(Enumerable.Range(0, count).Select(_ => -Math.Log(1 - random.NextDouble())).ToArray());
                for (var i = segmentStart; i < segmentEnd; i++)
                {
                    var cluster = mix[Draw(mixWeights, random)];
                    items[i] = clusters[cluster].Items[Draw(cumulative[cluster], random)];
                    weights[i] = weightPool[random.NextInt(weightPool.Count)];
                }

                segmentStart = segmentEnd;
            }

            var kind = changes.Length > 0 ? StreamKind.SyntheticSwitching : StreamKind.SyntheticStationary;
            var label = changes.Length > 0 ? $"synthetic user {user} ({changes.Length} switch{(changes.Length > 1 ? "es" : "")})" : $"synthetic user {user} (stationary)";
            streams.Add(new EvaluationStream(label, kind, items, weights, changes));
        }

        return streams;
    }

    /// <summary>1 to MaxSwitches switches; every segment at least MinSegment long, the spare events spread at random.</summary>
    private static int[] SwitchPositions(SyntheticStreamOptions options, EvaluationRandom random)
    {
        var switches = Math.Min(random.NextInt(1, options.MaxSwitches), (options.EventsPerUser / options.MinSegment) - 1);
        var spare = options.EventsPerUser - ((switches + 1) * options.MinSegment);
        var cuts = Enumerable.Range(0, switches).Select(_ => random.NextInt(0, spare)).Order().ToArray();
        return cuts.Select((cut, j) => cut + ((j + 1) * options.MinSegment)).ToArray();
    }

    private static double[] Cumulative(double[] weights)
    {
        var cumulative = new double[weights.Length];
        double total = 0;
        for (var i = 0; i < weights.Length; i++)
        {
            total += weights[i];
            cumulative[i] = total;
        }

        return cumulative;
    }

    private static int Draw(double[] cumulative, EvaluationRandom random)
    {
        var target = random.NextDouble() * cumulative[^1];
        var index = Array.BinarySearch(cumulative, target);
        // BinarySearch gives the first entry above the target as ~index when there is no exact match.
        index = index >= 0 ? index + 1 : ~index;
        return Math.Min(index, cumulative.Length - 1);
    }
}
