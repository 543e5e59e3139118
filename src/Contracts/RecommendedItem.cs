namespace StreamRec.Contracts;

/// <summary>One recommended item; <see cref="Score"/> only when noised scores are published.</summary>
public sealed record RecommendedItem(string ItemId, string? Title, double? Score);
