using System.Runtime.InteropServices;

namespace StreamRec.Evaluation;

/// <summary>
/// Harder and fairer real-data changes than one splice protocol, all from one split's users (the caller
/// passes one split at a time, so calibration and test users never meet in a stream):
/// <list type="bullet">
/// <item><see cref="Splice"/>: <see cref="SpliceStreamGenerator"/> unchanged, so its figures stay comparable, also read per genre-cosine band (<see cref="GenreBands"/>).</item>
/// <item><see cref="Dissimilar"/>: for each A, a seeded choice of B among the users whose genre cosine with A's prefix is below 0.5 (A skipped when there is none).</item>
/// <item><see cref="Gradual"/>: A, then a ramp of R events (R in [20, 100]) where each event is B's next with probability i/R (i = 1..R), else A's next, then B. The change is the ramp's first event and spans R events (<see cref="EvaluationStream.ChangeSpans"/>).</item>
/// <item><see cref="Returning"/>: A, B for Q events (Q in [50, 150]), then A again where A left off (up to 150 events): two changes.</item>
/// <item><see cref="Added"/>: A, then each event A's next or B's next with equal probability (a new interest next to the old one).</item>
/// </list>
/// Prefix and suffix lengths follow <see cref="SpliceOptions"/>; pairs other than the dissimilar ones
/// follow a seeded cycle of the users, as the splice protocol's do. A user too short for a family is left
/// out of it. The controls are the split's users' own histories, shared by every family.
/// </summary>
public static class SpliceFamilies
{
    public const string Splice = "splice";
    public const string Dissimilar = "dissimilar";
    public const string Gradual = "gradual";
    public const string Returning = "returning";
    public const string Added = "added";

    /// <summary>Shortest and longest ramp of a gradual change, in events.</summary>
    public const int MinRamp = 20, MaxRamp = 100;

    /// <summary>Shortest and longest stay with B before A returns, in events.</summary>
    public const int MinStay = 50, MaxStay = 150;

    /// <summary>Most events of A after it returns.</summary>
    public const int MaxReturn = 150;

    /// <summary>Fewest events A must have left after its prefix to return, or to be mixed with B: a change needs events after it to be seen.</summary>
    public const int MinRemaining = 30;

    // Random streams of EvaluationRandom.For, one per family: apart from each other and from the other generators'.
    private const ulong DissimilarPurpose = 0x5A11_0001UL;
    private const ulong GradualPurpose = 0x5A11_0002UL;
    private const ulong ReturningPurpose = 0x5A11_0003UL;
    private const ulong AddedPurpose = 0x5A11_0004UL;

    /// <summary>The name of the splice family's band <paramref name="band"/> of <see cref="GenreBands.Labels"/>.</summary>
    public static string BandName(int band) => $"{Splice}, {GenreBands.Labels[band]}";

    /// <returns>The families (splice, its bands, dissimilar, gradual, returning, added) and the controls (every user's own history).</returns>
    public static (List<SpliceFamily> Families, List<EvaluationStream> Controls) Generate(IReadOnlyList<ItemHistory> users, GenreProfiles genres, SpliceOptions options, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(genres);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var (spliced, controls) = SpliceStreamGenerator.Generate(users, options, seed);
        var spliceCosines = spliced.Select(s => genres.Cosine(s.Items, s.ChangePoints[0])).ToList();
        var families = new List<SpliceFamily>
        {
            new(Splice, $"the splice protocol: A's first {options.MinPrefix}-{options.MaxPrefix} events, then B's first <= {options.MaxSuffix}, B the next user of a seeded cycle", spliced, spliceCosines),
        };
        for (var band = 0; band < GenreBands.Labels.Count; band++)
        {
            var members = Enumerable.Range(0, spliced.Count).Where(i => GenreBands.IndexOf(spliceCosines[i]) == band).ToList();
            families.Add(new SpliceFamily(BandName(band), $"the splices whose pair has genre {GenreBands.Labels[band]}",
                [.. members.Select(i => spliced[i])], [.. members.Select(i => spliceCosines[i])], IsBand: true));
        }

        var eligible = Enumerable.Range(0, users.Count).Where(i => users[i].Length >= options.MinPrefix).ToList();
        families.Add(GenerateDissimilar(users, eligible, genres, options, seed));
        families.Add(Cycled(Gradual, $"A, then a ramp of {MinRamp}-{MaxRamp} events where B's share of events rises linearly from 0 to 1, then B (B's events <= {options.MaxSuffix})",
            users, eligible, genres, GradualPurpose, seed, (a, b, random) => GradualPair(a, b, options, random)));
        families.Add(Cycled(Returning, $"A, then B for {MinStay}-{MaxStay} events, then A again where it left off (<= {MaxReturn} events): two changes",
            users, eligible, genres, ReturningPurpose, seed, (a, b, random) => ReturningPair(a, b, options, random)));
        families.Add(Cycled(Added, $"A, then each event A's next or B's next with equal probability (<= {options.MaxSuffix} events after the change)",
            users, eligible, genres, AddedPurpose, seed, (a, b, random) => AddedPair(a, b, options, random)));
        return (families, controls);
    }

    private static SpliceFamily GenerateDissimilar(IReadOnlyList<ItemHistory> users, List<int> eligible, GenreProfiles genres, SpliceOptions options, ulong seed)
    {
        var suffixProfiles = eligible.ToDictionary(b => b, b => genres.Profile(users[b].Items.AsSpan(0, Math.Min(options.MaxSuffix, users[b].Length))));
        var streams = new List<EvaluationStream>();
        var cosines = new List<double>();
        foreach (var a in eligible)
        {
            var random = EvaluationRandom.For(seed, DissimilarPurpose, a);
            var first = users[a];
            var prefix = random.NextInt(options.MinPrefix, Math.Min(options.MaxPrefix, first.Length));
            var profile = genres.Profile(first.Items.AsSpan(0, prefix));
            var candidates = eligible.Where(b => b != a && GenreProfiles.Cosine(profile, suffixProfiles[b]) < GenreBands.DissimilarBelow).ToList();
            if (candidates.Count == 0)
            {
                continue;
            }

            var b = candidates[random.NextInt(candidates.Count)];
            var second = users[b];
            var suffix = Math.Min(options.MaxSuffix, second.Length);
            streams.Add(new EvaluationStream($"{Dissimilar} {streams.Count} (real user {a}, then real user {b})", StreamKind.Spliced,
                [.. first.Items.AsSpan(0, prefix), .. second.Items.AsSpan(0, suffix)], [.. first.Weights.AsSpan(0, prefix), .. second.Weights.AsSpan(0, suffix)], [prefix]));
            cosines.Add(GenreProfiles.Cosine(profile, suffixProfiles[b]));
        }

        return new SpliceFamily(Dissimilar, $"A's first {options.MinPrefix}-{options.MaxPrefix} events, then B's first <= {options.MaxSuffix}, B a seeded choice among the users at genre cosine < {GenreBands.DissimilarBelow} from A's prefix",
            streams, cosines);
    }

    /// <summary>A family whose pairs follow a seeded cycle of the eligible users (A = user j, B = user j + 1); a pair that cannot be built is skipped.</summary>
    private static SpliceFamily Cycled(string name, string description, IReadOnlyList<ItemHistory> users, List<int> eligible, GenreProfiles genres, ulong purpose, ulong seed,
        Func<ItemHistory, ItemHistory, EvaluationRandom, Built?> build)
    {
        var order = eligible.ToList();
        EvaluationRandom.For(seed, purpose, -1).Shuffle(order); // index -1: the cycle's own stream, apart from the pairs' (0, 1, ...)
        var streams = new List<EvaluationStream>();
        var cosines = new List<double>();
        for (var j = 0; order.Count >= 2 && j < order.Count; j++)
        {
            var (a, b) = (order[j], order[(j + 1) % order.Count]);
            if (build(users[a], users[b], EvaluationRandom.For(seed, purpose, j)) is not { } built)
            {
                continue;
            }

            streams.Add(new EvaluationStream($"{name} {streams.Count} (real user {a}, then real user {b})", StreamKind.Spliced,
                [.. built.Items], [.. built.Weights], built.ChangePoints, built.Spans));
            cosines.Add(GenreProfiles.Cosine(genres.Profile(CollectionsMarshal.AsSpan(built.AItems)), genres.Profile(CollectionsMarshal.AsSpan(built.BItems))));
        }

        return new SpliceFamily(name, description, streams, cosines);
    }

    private static Built? GradualPair(ItemHistory a, ItemHistory b, SpliceOptions options, EvaluationRandom random)
    {
        var ramp = random.NextInt(MinRamp, MaxRamp);
        if (a.Length < options.MinPrefix + ramp || b.Length < ramp)
        {
            return null;
        }

        var prefix = random.NextInt(options.MinPrefix, Math.Min(options.MaxPrefix, a.Length - ramp));
        var built = new Built(a, b, prefix);
        var (nextA, nextB) = (prefix, 0);
        for (var i = 1; i <= ramp; i++)
        {
            // B's share rises linearly to 1 on the ramp's last event; A has at least `ramp` events left and B at least `ramp` in all.
            if (random.NextDouble() < (double)i / ramp)
            {
                built.AddB(nextB++);
            }
            else
            {
                built.AddA(nextA++);
            }
        }

        while (nextB < Math.Min(options.MaxSuffix, b.Length))
        {
            built.AddB(nextB++);
        }

        built.ChangePoints = [prefix];
        built.Spans = [ramp];
        return built;
    }

    private static Built? ReturningPair(ItemHistory a, ItemHistory b, SpliceOptions options, EvaluationRandom random)
    {
        if (a.Length < options.MinPrefix + MinRemaining || b.Length < MinStay)
        {
            return null;
        }

        var prefix = random.NextInt(options.MinPrefix, Math.Min(options.MaxPrefix, a.Length - MinRemaining));
        var stay = random.NextInt(MinStay, Math.Min(MaxStay, b.Length));
        var built = new Built(a, b, prefix);
        for (var i = 0; i < stay; i++)
        {
            built.AddB(i);
        }

        for (var i = prefix; i < Math.Min(a.Length, prefix + MaxReturn); i++)
        {
            built.AddA(i);
        }

        built.ChangePoints = [prefix, prefix + stay];
        return built;
    }

    private static Built? AddedPair(ItemHistory a, ItemHistory b, SpliceOptions options, EvaluationRandom random)
    {
        if (a.Length < options.MinPrefix + MinRemaining)
        {
            return null;
        }

        var prefix = random.NextInt(options.MinPrefix, Math.Min(options.MaxPrefix, a.Length - MinRemaining));
        var built = new Built(a, b, prefix);
        var (nextA, nextB) = (prefix, 0);
        // Until either user runs out (A has at least MinRemaining events left) or the suffix is full.
        for (var i = 0; i < options.MaxSuffix && nextA < a.Length && nextB < b.Length; i++)
        {
            if (random.NextDouble() < 0.5)
            {
                built.AddA(nextA++);
            }
            else
            {
                built.AddB(nextB++);
            }
        }

        built.ChangePoints = [prefix];
        return built;
    }

    /// <summary>A stream being built from A's first <c>prefix</c> events; <see cref="AItems"/> and <see cref="BItems"/> are what the genre cosine compares.</summary>
    private sealed class Built
    {
        private readonly ItemHistory _a;
        private readonly ItemHistory _b;

        public Built(ItemHistory a, ItemHistory b, int prefix)
        {
            (_a, _b) = (a, b);
            Items = [.. a.Items.AsSpan(0, prefix)];
            Weights = [.. a.Weights.AsSpan(0, prefix)];
            AItems = [.. Items];
        }

        public List<int> Items { get; }

        public List<float> Weights { get; }

        /// <summary>A's prefix: the old interest.</summary>
        public List<int> AItems { get; }

        /// <summary>B's events used: the new interest.</summary>
        public List<int> BItems { get; } = [];

        public int[] ChangePoints { get; set; } = [];

        public int[]? Spans { get; set; }

        /// <summary>Appends A's event <paramref name="index"/> (after the prefix: it does not count in A's profile, which is the old interest).</summary>
        public void AddA(int index)
        {
            Items.Add(_a.Items[index]);
            Weights.Add(_a.Weights[index]);
        }

        public void AddB(int index)
        {
            Items.Add(_b.Items[index]);
            Weights.Add(_b.Weights[index]);
            BItems.Add(_b.Items[index]);
        }
    }
}
