namespace StreamRec.IntegrationTests.Infrastructure;

/// <summary>Topic, group and key names no other test uses.</summary>
public static class UniqueNames
{
    public static string Next(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];
}
