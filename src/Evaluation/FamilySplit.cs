namespace StreamRec.Evaluation;

/// <summary>One split's families of spliced streams (<see cref="SpliceFamilies"/>) and its controls, the users' own histories.</summary>
public sealed record FamilySplit(IReadOnlyList<SpliceFamily> Families, IReadOnlyList<EvaluationStream> Controls);
