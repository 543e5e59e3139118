using StreamRec.Embedder.Features;

namespace StreamRec.Training;

/// <summary>
/// What the encoder is trained on: the item catalog (with the attributes the embedder will see at run
/// time, so that training hashes exactly the features the running model is fed) and every user's
/// history in time order.
/// </summary>
public sealed class TrainingCorpus
{
    private TrainingCorpus(IReadOnlyList<ItemAttributes> items, IReadOnlyList<UserHistory> histories)
    {
        Items = items;
        Histories = histories;
    }

    /// <summary>The catalog; an item's index in this list is how histories refer to it.</summary>
    public IReadOnlyList<ItemAttributes> Items { get; }

    /// <summary>One history per user with at least one interaction, ordered by user id.</summary>
    public IReadOnlyList<UserHistory> Histories { get; }

    /// <summary>
    /// Groups interactions by user and orders each user's items by time. Ties (MovieLens has many:
    /// ratings entered in one sitting share a second) are broken by item index, so the order, and
    /// everything trained from it, does not depend on the order the interactions came in.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An interaction names an item outside the catalog.</exception>
    public static TrainingCorpus Create(IReadOnlyList<ItemAttributes> items, IEnumerable<Interaction> interactions)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(interactions);
        var byUser = new SortedDictionary<int, List<Interaction>>();
        foreach (var interaction in interactions)
        {
            if ((uint)interaction.Item >= (uint)items.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(interactions), $"User {interaction.UserId} has an interaction with item {interaction.Item}; the catalog has {items.Count} items.");
            }

            if (!byUser.TryGetValue(interaction.UserId, out var list))
            {
                byUser[interaction.UserId] = list = [];
            }

            list.Add(interaction);
        }

        var histories = byUser
            .Select(user => new UserHistory(
                user.Key,
                [.. user.Value.OrderBy(i => i.Timestamp).ThenBy(i => i.Item).Select(i => i.Item)]))
            .ToArray();
        return new TrainingCorpus(items, histories);
    }
}
