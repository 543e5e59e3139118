namespace StreamRec.IntegrationTests.Deployment;

/// <summary>How one run of an external tool (renderer, validator, linter) ended.</summary>
public sealed record ToolRun(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>For assertion messages: the command, its exit code and what it printed.</summary>
    public string Describe() =>
        $"{Command}\nexit code {ExitCode}\n--- stdout ---\n{Truncate(StandardOutput)}\n--- stderr ---\n{Truncate(StandardError)}";

    private static string Truncate(string text) => text.Length <= 20_000 ? text : text[..20_000] + "\n...";
}
