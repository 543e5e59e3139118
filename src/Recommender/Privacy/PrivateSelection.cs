namespace StreamRec.Recommender.Privacy;

/// <summary>
/// The output of a private selection: the chosen rows, best first; the epsilon it spent (the privacy
/// ledger charges exactly this); the mechanism's name, for the published record.
/// </summary>
public sealed record PrivateSelection(int[] Rows, double EpsilonSpent, string Mechanism);
