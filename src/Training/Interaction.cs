namespace StreamRec.Training;

/// <summary>One user's interaction with one item of a <see cref="TrainingCorpus"/>.</summary>
/// <param name="UserId">Any stable user key; only used to group a user's interactions.</param>
/// <param name="Item">Index of the item in <see cref="TrainingCorpus.Items"/>.</param>
/// <param name="Timestamp">When it happened, in any monotonic unit (MovieLens: Unix seconds).</param>
public readonly record struct Interaction(int UserId, int Item, long Timestamp);
