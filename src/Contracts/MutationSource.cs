namespace StreamRec.Contracts;

/// <summary>The input position of the event that triggered a mutation.</summary>
public sealed record MutationSource(string Topic, int Partition, long Offset);
