namespace StreamRec.DriftDetector.Explanation;

/// <summary>An item as explanations know it: its unit vector, display attributes and how often it was seen.</summary>
public sealed class ItemProfile(string itemId, float[] vector, string? title, IReadOnlyList<string> categories)
{
    public string ItemId { get; } = itemId;

    /// <summary>Unit length (or zero, for an item without features).</summary>
    public float[] Vector { get; } = vector;

    public string? Title { get; } = title;

    public IReadOnlyList<string> Categories { get; } = categories;
}
