namespace StreamRec.Training;

/// <summary>One user's items, oldest first.</summary>
/// <param name="UserId">The key the interactions were grouped by.</param>
/// <param name="Items">Indexes into <see cref="TrainingCorpus.Items"/>, in time order.</param>
public sealed record UserHistory(int UserId, int[] Items);
