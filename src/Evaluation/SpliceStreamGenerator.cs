namespace StreamRec.Evaluation;

/// <summary>
/// Ground truth 2: real histories spliced. Every user with at least MinPrefix events is user A of one
/// splice and user B of another (a seeded cycle, so A is never B and no user is used twice in a role):
/// A's first P events (P drawn in [MinPrefix, min(MaxPrefix, |A|)]) followed by B's first events (up to
/// MaxSuffix). The splice, at index P, is a true change; whether it is visible depends on how different
/// the two users' tastes are. Every user's own whole history is also an unspliced stream, where every
/// alarm counts as false (a real user may of course drift on their own: see docs/drift.md).
/// </summary>
public static class SpliceStreamGenerator
{
    private const ulong Purpose = 2;

    public static (List<EvaluationStream> Spliced, List<EvaluationStream> Unspliced) Generate(IReadOnlyList<ItemHistory> users, SpliceOptions options, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var unspliced = users
            .Select((user, i) => new EvaluationStream($"real user {i} (unspliced)", StreamKind.Unspliced, user.Items, user.Weights, []))
            .ToList();

        var eligible = Enumerable.Range(0, users.Count).Where(i => users[i].Length >= options.MinPrefix).ToList();
        var random = EvaluationRandom.For(seed, Purpose, 0);
        random.Shuffle(eligible);
        var spliced = new List<EvaluationStream>(eligible.Count);
        if (eligible.Count < 2)
        {
            return (spliced, unspliced);
        }

        for (var j = 0; j < eligible.Count; j++)
        {
            var (a, b) = (eligible[j], eligible[(j + 1) % eligible.Count]);
            var (first, second) = (users[a], users[b]);
            var prefix = random.NextInt(options.MinPrefix, Math.Min(options.MaxPrefix, first.Length));
            var suffix = Math.Min(options.MaxSuffix, second.Length);
            int[] items = [.. first.Items.AsSpan(0, prefix), .. second.Items.AsSpan(0, suffix)];
            float[] weights = [.. first.Weights.AsSpan(0, prefix), .. second.Weights.AsSpan(0, suffix)];
            spliced.Add(new EvaluationStream($"splice {j} (real user {a}, then real user {b})", StreamKind.Spliced, items, weights, [prefix]));
        }

        return (spliced, unspliced);
    }
}
