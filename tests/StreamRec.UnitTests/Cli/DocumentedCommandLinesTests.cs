using StreamRec.TestSupport;
using System.Text;
using StreamRec.Cli.Commands;

namespace StreamRec.UnitTests.Cli;

/// <summary>
/// The <c>streamrec</c> command lines the README and docs/ show in their code blocks parse with the real
/// command tree: a renamed or removed option fails here, not in a reader's terminal. Running them is
/// the help examples' test; the docs' lines need servers set up by hand, so they are parsed, which is
/// what goes stale.
/// </summary>
public sealed class DocumentedCommandLinesTests
{
    public static TheoryData<string> Documents() =>
        [.. new[] { RepositoryFiles.Path("README.md") }
            .Concat(Directory.GetFiles(RepositoryFiles.Path("docs"), "*.md"))
            .Select(path => System.IO.Path.GetRelativePath(RepositoryFiles.Root, path))];

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_streamrec_command_line_in_a_code_block_parses(string document)
    {
        var lines = CommandLines(File.ReadAllText(RepositoryFiles.Path(document))).ToList();
        var problems = new List<string>();
        foreach (var line in lines)
        {
            var parse = StreamRecCommandLine.Create().Parse(Words(line));
            if (parse.Errors.Count > 0)
            {
                problems.Add($"{line}\n    -> {string.Join("; ", parse.Errors.Select(e => e.Message))}");
            }
        }

        Assert.True(problems.Count == 0, $"{document}: command lines that no longer parse:\n{string.Join("\n", problems)}");
    }

    [Fact]
    public void The_README_shows_command_lines_and_a_stale_one_is_caught()
    {
        var lines = CommandLines(File.ReadAllText(RepositoryFiles.Path("README.md"))).ToList();
        Assert.Contains(lines, l => l.StartsWith("run ", StringComparison.Ordinal));

        var stale = CommandLines("```\nstreamrec eval --quick --out /tmp/report.html   # an option that was renamed\n```").Single();
        Assert.NotEmpty(StreamRecCommandLine.Create().Parse(Words(stale)).Errors);
    }

    /// <summary>
    /// The arguments after <c>streamrec</c> of each command line inside a fenced code block, continuation
    /// lines joined, with a leading prompt or environment assignments, a trailing comment and a trailing
    /// <c>&amp;</c> removed.
    /// </summary>
    internal static IEnumerable<string> CommandLines(string markdown)
    {
        var inBlock = false;
        var pending = new StringBuilder();
        foreach (var raw in markdown.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inBlock = !inBlock;
                pending.Clear();
                continue;
            }

            if (!inBlock)
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending.Append(line[..^1]).Append(' ');
                continue;
            }

            var whole = pending.Append(line).ToString();
            pending.Clear();
            var start = whole.IndexOf("streamrec ", StringComparison.Ordinal);
            if (start < 0 || !IsCommandStart(whole[..start]))
            {
                continue;
            }

            var command = StripComment(whole[(start + "streamrec ".Length)..]).Trim().TrimEnd('&').Trim();
            if (command.Length > 0)
            {
                yield return command;
            }
        }
    }

    /// <summary>What may stand before <c>streamrec</c>: nothing, a prompt, or VAR=value assignments.</summary>
    private static bool IsCommandStart(string prefix)
    {
        var words = Words(prefix.Trim());
        return words.All(w => w == "$" || (w.Contains('=', StringComparison.Ordinal) && !w.StartsWith('-')));
    }

    private static string StripComment(string line)
    {
        var quote = '\0';
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote != '\0')
            {
                quote = c == quote ? '\0' : quote;
            }
            else if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (c == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1])))
            {
                return line[..i];
            }
        }

        return line;
    }

    /// <summary>Shell words: whitespace separates, quotes group ("$(cat f)" is one word).</summary>
    private static string[] Words(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var quote = '\0';
        var depth = 0;
        foreach (var c in line)
        {
            if (quote != '\0')
            {
                if (c == quote && depth == 0)
                {
                    quote = '\0';
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (char.IsWhiteSpace(c) && depth == 0)
            {
                if (word.Length > 0)
                {
                    words.Add(word.ToString());
                    word.Clear();
                }
            }
            else
            {
                depth += c == '(' ? 1 : c == ')' ? -1 : 0;
                word.Append(c);
            }
        }

        if (word.Length > 0)
        {
            words.Add(word.ToString());
        }

        return [.. words];
    }
}
