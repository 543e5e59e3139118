using System.Runtime.InteropServices;

namespace StreamRec.Training;

/// <summary>
/// Next-item hit-rate@k on a <see cref="TimeSplit"/>, for the encoder and for a popularity baseline
/// on the same users and the same candidates. The candidates are the catalog items with at least
/// <see cref="MinCandidateCount"/> training interactions (0: the whole catalog), less those the user
/// saw in training. The encoder ranks them by their dot product with the user's profile, the
/// normalised mean of the embeddings of the user's last <see cref="ProfileLength"/> training items;
/// the baseline ranks them by how many training histories hold them. Ties go to the lower item index
/// in both rankings.
/// </summary>
/// <param name="Users">Users with at least one held-out item: the denominator of every rate.</param>
/// <param name="K">Length of the ranked list.</param>
/// <param name="ProfileLength">Training items the profile averages (the most recent ones).</param>
/// <param name="MinCandidateCount">Training interactions an item needs to be ranked at all.</param>
/// <param name="ModelNext">Share of users whose first held-out item is in the encoder's top k.</param>
/// <param name="PopularityNext">The same for the popularity ranking.</param>
/// <param name="ModelAny">Share of users with any held-out item in the encoder's top k.</param>
/// <param name="PopularityAny">The same for the popularity ranking.</param>
public sealed record HitRate(int Users, int K, int ProfileLength, int MinCandidateCount, double ModelNext, double PopularityNext, double ModelAny, double PopularityAny)
{
    public static HitRate Measure(ItemVectors vectors, TimeSplit split, int k, int profileLength, int minCandidateCount)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentNullException.ThrowIfNull(split);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(profileLength, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(minCandidateCount);

        var counts = TrainingCounts(split.Training, vectors.Count);
        var byPopularity = ByPopularity(counts);
        var seenBy = new int[vectors.Count];
        Array.Fill(seenBy, -1);
        var profile = new float[vectors.Dimension];
        var modelTop = new TopK(k);
        var popularTop = new List<int>(k);
        int users = 0, modelNext = 0, popularNext = 0, modelAny = 0, popularAny = 0;
        for (var u = 0; u < split.Training.Count; u++)
        {
            var training = split.Training[u].Items;
            var heldOut = split.HeldOut[u].Items;
            if (heldOut.Length == 0 || training.Length == 0)
            {
                continue;
            }

            users++;
            foreach (var item in training)
            {
                seenBy[item] = u;
            }

            Profile(vectors, training.AsSpan(Math.Max(0, training.Length - profileLength)), profile);
            modelTop.Clear();
            for (var item = 0; item < vectors.Count; item++)
            {
                if (seenBy[item] != u && counts[item] >= minCandidateCount)
                {
                    modelTop.Offer(item, vectors.Dot(item, profile));
                }
            }

            popularTop.Clear();
            foreach (var item in byPopularity)
            {
                if (seenBy[item] != u && counts[item] >= minCandidateCount)
                {
                    popularTop.Add(item);
                    if (popularTop.Count == k)
                    {
                        break;
                    }
                }
            }

            modelNext += modelTop.Items.Contains(heldOut[0]) ? 1 : 0;
            popularNext += popularTop.Contains(heldOut[0]) ? 1 : 0;
            modelAny += ContainsAny(modelTop.Items, heldOut) ? 1 : 0;
            popularAny += ContainsAny(CollectionsMarshal.AsSpan(popularTop), heldOut) ? 1 : 0;
        }

        double Rate(int hits) => users > 0 ? (double)hits / users : double.NaN;
        return new HitRate(users, k, profileLength, minCandidateCount, Rate(modelNext), Rate(popularNext), Rate(modelAny), Rate(popularAny));
    }

    /// <summary>The normalised mean of the given items' vectors.</summary>
    public static void Profile(ItemVectors vectors, ReadOnlySpan<int> items, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        destination.Clear();
        foreach (var item in items)
        {
            VectorMath.AddScaled(destination, 1f, vectors[item]);
        }

        VectorMath.Normalize(destination);
    }

    private static int[] TrainingCounts(IReadOnlyList<UserHistory> training, int itemCount)
    {
        var counts = new int[itemCount];
        foreach (var history in training)
        {
            foreach (var item in history.Items)
            {
                counts[item]++;
            }
        }

        return counts;
    }

    // Every catalog item, most training occurrences first, ties to the lower index.
    private static int[] ByPopularity(int[] counts)
    {
        var items = new int[counts.Length];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = i;
        }

        Array.Sort(items, (a, b) => counts[a] != counts[b] ? counts[b].CompareTo(counts[a]) : a.CompareTo(b));
        return items;
    }

    private static bool ContainsAny(ReadOnlySpan<int> ranked, int[] heldOut)
    {
        foreach (var item in ranked)
        {
            if (heldOut.AsSpan().Contains(item))
            {
                return true;
            }
        }

        return false;
    }
}
