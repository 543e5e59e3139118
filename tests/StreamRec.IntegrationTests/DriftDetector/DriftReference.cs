using StreamRec.Contracts;
using StreamRec.DriftDetector.Detection;
using StreamRec.DriftDetector.Stage;
using StreamRec.Storage;

namespace StreamRec.IntegrationTests.DriftDetector;

/// <summary>
/// The uninterrupted reference run: the pure detector applied once to every event of each user, in
/// input order (give it each event once: copies removed). What the stage stores and publishes must equal this, however often it crashed.
/// </summary>
internal sealed class DriftReference
{
    public DriftReference(DriftParameters parameters, IEnumerable<(int Partition, long Offset, EmbeddedEvent Event)> events)
    {
        var detector = new InterestDriftDetector(parameters);
        foreach (var (partition, offset, e) in events.OrderBy(x => x.Partition).ThenBy(x => x.Offset))
        {
            if (!States.TryGetValue(e.User, out var state))
            {
                state = UserDriftState.New(e.Embedding.Length, parameters);
                States[e.User] = state;
            }

            if (detector.Apply(state, e.Embedding.Span, e.Weight).Mutation)
            {
                MutationIds.Add(e.Origin is { } origin ? DriftProcessor.OriginMutationId(e.User, origin) : DriftProcessor.MutationId(e.User, partition, offset));
            }

            LastPositions[e.User] = (partition, offset);
        }
    }

    public Dictionary<string, UserDriftState> States { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, (int Partition, long Offset)> LastPositions { get; } = new(StringComparer.Ordinal);

    public HashSet<string> MutationIds { get; } = new(StringComparer.Ordinal);

    /// <summary>Asserts that <paramref name="actual"/> is exactly the reference state (the same float operations in the same order).</summary>
    public static void AssertSame(UserDriftState expected, UserDriftState actual, string user)
    {
        Assert.True(expected.Events == actual.Events, $"{user}: {actual.Events} events applied, expected {expected.Events}");
        Assert.True(expected.Short.SequenceEqual(actual.Short), $"{user}: short vector differs");
        Assert.True(expected.Long.SequenceEqual(actual.Long), $"{user}: long vector differs");
        Assert.Equal(expected.DriftMean, actual.DriftMean);
        Assert.Equal(expected.DriftVariance, actual.DriftVariance);
        Assert.Equal(expected.Cusum, actual.Cusum);
        Assert.Equal(expected.Cooldown, actual.Cooldown);
    }
}
