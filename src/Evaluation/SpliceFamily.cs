namespace StreamRec.Evaluation;

/// <summary>One kind of real-data change (<see cref="SpliceFamilies"/>): its spliced streams, each with the genre cosine of its pair.</summary>
/// <param name="Name">E.g. "gradual"; a band of the splice family is named "splice, cosine 0.5-0.7".</param>
/// <param name="Description">What a stream of the family is, in a sentence.</param>
/// <param name="Streams">The spliced streams (all with at least one change).</param>
/// <param name="GenreCosines">Per stream, the genre cosine of A's part and B's part (<see cref="GenreProfiles"/>).</param>
/// <param name="IsBand">True for the splice family's streams of one genre-cosine band (<see cref="GenreBands"/>): a subset, not a family of its own.</param>
public sealed record SpliceFamily(string Name, string Description, IReadOnlyList<EvaluationStream> Streams, IReadOnlyList<double> GenreCosines, bool IsBand = false);
