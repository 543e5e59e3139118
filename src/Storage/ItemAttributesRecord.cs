namespace StreamRec.Storage;

/// <summary>An item's display attributes as the catalog in Redis holds them.</summary>
public sealed record ItemAttributesRecord(string? Title, IReadOnlyList<string> Categories)
{
    /// <summary>What reading an item that Redis does not hold returns.</summary>
    public static readonly ItemAttributesRecord Missing = new(null, []);
}
