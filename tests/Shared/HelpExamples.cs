using System.CommandLine;
using StreamRec.Cli.Commands;

namespace StreamRec.TestSupport;

/// <summary>
/// The examples in the <c>--help</c> of every <c>streamrec</c> command, as the help prints them: the
/// indented lines after a line <c>Examples:</c>, up to the next blank line. Each is one shell command
/// line that runs <c>streamrec</c> (an environment assignment may come first, a <c># comment</c> last).
/// </summary>
internal static class HelpExamples
{
    /// <summary>Every command below the root, with its path of names (e.g. ["eval"]).</summary>
    public static IEnumerable<(string[] Path, Command Command)> Commands()
    {
        var pending = new Stack<(string[] Path, Command Command)>([([], StreamRecCommandLine.Create())]);
        while (pending.TryPop(out var current))
        {
            foreach (var sub in current.Command.Subcommands)
            {
                string[] path = [.. current.Path, sub.Name];
                yield return (path, sub);
                pending.Push((path, sub));
            }
        }
    }

    /// <summary>What <c>streamrec PATH --help</c> prints.</summary>
    public static string Help(string[] path)
    {
        using var output = new StringWriter();
        var exitCode = StreamRecCommandLine.Create().Parse([.. path, "--help"]).Invoke(new InvocationConfiguration { Output = output });
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"streamrec {string.Join(' ', path)} --help exited {exitCode}");
        }

        return output.ToString();
    }

    /// <summary>The example lines of one help text.</summary>
    public static List<string> In(string help)
    {
        var examples = new List<string>();
        var inExamples = false;
        foreach (var line in help.Split('\n').Select(l => l.TrimEnd('\r')))
        {
            if (line.Trim() == "Examples:")
            {
                inExamples = true;
            }
            else if (inExamples && line.Trim().Length == 0)
            {
                inExamples = false;
            }
            else if (inExamples)
            {
                examples.Add(line.Trim());
            }
        }

        return examples;
    }

    /// <summary>(command name, example line) for every example of every command.</summary>
    public static IEnumerable<(string Command, string Example)> All() =>
        Commands().SelectMany(c => In(Help(c.Path)).Select(e => (string.Join(' ', c.Path), e)));
}
