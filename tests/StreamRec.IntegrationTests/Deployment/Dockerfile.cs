namespace StreamRec.IntegrationTests.Deployment;

/// <summary>
/// A Dockerfile read the way the builder reads it: comment lines dropped, continuation lines joined,
/// each instruction with its keyword, its arguments, its line and the build stage it belongs to.
/// There is no Docker engine on these machines; this is what lets tests check the files anyway.
/// </summary>
public sealed class Dockerfile
{
    private Dockerfile(List<Instruction> instructions, List<Stage> stages)
    {
        Instructions = instructions;
        Stages = stages;
    }

    public IReadOnlyList<Instruction> Instructions { get; }

    /// <summary>The build stages in order; the last is the image.</summary>
    public IReadOnlyList<Stage> Stages { get; }

    public Stage Final => Stages[^1];

    public static Dockerfile Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var instructions = new List<Instruction>();
        var stages = new List<Stage>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var start = i + 1;
            var joined = line;
            while (joined.EndsWith('\\') && i + 1 < lines.Length)
            {
                // Comment lines inside a continued instruction are dropped, and the instruction goes on.
                i++;
                var next = lines[i].Trim();
                if (!next.StartsWith('#'))
                {
                    joined = joined[..^1].TrimEnd() + " " + next;
                }
            }

            joined = joined.TrimEnd('\\').TrimEnd();

            var space = joined.IndexOf(' ', StringComparison.Ordinal);
            var keyword = (space < 0 ? joined : joined[..space]).ToUpperInvariant();
            var arguments = space < 0 ? "" : joined[(space + 1)..].Trim();
            if (keyword == "FROM")
            {
                var words = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToList();
                var alias = words.Count >= 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[2] : null;
                stages.Add(new Stage(stages.Count, words.FirstOrDefault() ?? "", alias, start));
            }

            instructions.Add(new Instruction(keyword, arguments, start, stages.Count - 1));
        }

        return new Dockerfile(instructions, stages);
    }

    public IEnumerable<Instruction> In(Stage stage) => Instructions.Where(i => i.Stage == stage.Index);

    /// <summary>One instruction: <c>RUN apt-get ...</c> is keyword RUN with the rest as arguments.</summary>
    public sealed record Instruction(string Keyword, string Arguments, int Line, int Stage)
    {
        public override string ToString() => $"line {Line}: {Keyword} {Arguments}";
    }

    /// <summary>A build stage: its base image (or an earlier stage's name) and its own name.</summary>
    public sealed record Stage(int Index, string BaseImage, string? Alias, int Line);
}
