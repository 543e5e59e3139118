namespace StreamRec.Contracts;

/// <summary>An item named in an explanation (title when the catalog has one).</summary>
public sealed record ExampleItem(string ItemId, string? Title);
