namespace StreamRec.Contracts;

/// <summary>
/// A category's affinity (cosine between an interest vector and the category's centroid, in [-1, 1])
/// before and after a mutation.
/// </summary>
public sealed record CategoryShift(string Category, double Before, double After);
