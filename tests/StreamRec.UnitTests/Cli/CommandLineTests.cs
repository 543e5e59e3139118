using System.CommandLine;
using StreamRec.Cli.Commands;
using StreamRec.Cli.Hosting;
using StreamRec.TestSupport;

namespace StreamRec.UnitTests.Cli;

/// <summary>The command tree as a user meets it: usage errors, the examples' markup, option names.</summary>
public sealed class CommandLineTests
{
    [Theory]
    [InlineData(new[] { "run" }, "streamrec: Option '--stages' is required.", "Run 'streamrec run --help' for usage.")]
    [InlineData(new[] { "eval", "--bogus" }, "streamrec: Unrecognized command or argument '--bogus'.", "Run 'streamrec eval --help' for usage.")]
    [InlineData(new[] { "bogus" }, "streamrec: unknown command 'bogus'.", "Run 'streamrec --help' for usage.")]
    public async Task A_usage_error_exits_2_with_the_error_first_and_a_pointer_to_the_help_not_the_help(string[] args, string first, string hint)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await StreamRecCommandLine.InvokeAsync(args, output, error);

        var lines = error.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(ExitCodes.InvalidUsage, exitCode);
        Assert.Equal(2, exitCode);
        Assert.Equal([first, hint], lines);
        Assert.Equal("", output.ToString());
    }

    [Fact]
    public void Every_command_has_examples_each_a_command_line_of_that_command()
    {
        foreach (var (path, _) in HelpExamples.Commands())
        {
            var name = string.Join(' ', path);
            var examples = HelpExamples.In(HelpExamples.Help(path));

            Assert.True(examples.Count > 0, $"streamrec {name} --help shows no examples (a line 'Examples:', then one command line per line)");
            Assert.All(examples, e => Assert.Contains($"streamrec {name}", e, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void An_option_name_has_one_value_type_across_commands()
    {
        var types = new Dictionary<string, (Type Type, string Command)>(StringComparer.Ordinal);
        foreach (var (path, command) in HelpExamples.Commands())
        {
            foreach (var option in command.Options)
            {
                var type = Kind(option.ValueType);
                foreach (var name in option.Aliases.Prepend(option.Name))
                {
                    if (types.TryGetValue(name, out var seen))
                    {
                        Assert.True(seen.Type == type,
                            $"{name} is a {seen.Type.Name} in 'streamrec {seen.Command}' but a {type.Name} in 'streamrec {string.Join(' ', path)}'");
                    }
                    else
                    {
                        types[name] = (type, string.Join(' ', path));
                    }
                }
            }
        }
    }

    [Fact]
    public void One_kind_of_file_has_one_option_name_report_for_the_HTML_report_and_model_for_the_encoder()
    {
        var options = HelpExamples.Commands().SelectMany(c => c.Command.Options.Select(o => (Command: string.Join(' ', c.Path), Option: o))).ToList();

        Assert.DoesNotContain(options, o => o.Option.Name == "--out" || o.Option.Aliases.Contains("--out") || o.Option.Aliases.Contains("-o"));
        var reports = options.Where(o => o.Option.Description!.Contains("HTML report", StringComparison.Ordinal)).ToList();
        var models = options.Where(o => o.Option.Description!.Contains("ONNX", StringComparison.Ordinal)).ToList();
        Assert.Equal(["demo", "eval"], reports.Select(o => o.Command).Order(StringComparer.Ordinal));
        Assert.All(reports, o => Assert.Equal("--report", o.Option.Name));
        Assert.Equal(["demo", "eval", "train-encoder"], models.Select(o => o.Command).Order(StringComparer.Ordinal));
        Assert.All(models, o => Assert.Equal("--model", o.Option.Name));
        var files = reports.Concat(models).Select(o => o.Option).ToHashSet();
        Assert.All(options.Where(o => o.Option.Name is "--report" or "--model"), o => Assert.Contains(o.Option, files));
    }

    /// <summary>What an option holds: int? and int alike, and a repeatable option's element (a topic, whether one or several).</summary>
    private static Type Kind(Type type)
    {
        var element = type.IsArray ? type.GetElementType()! : type;
        return Nullable.GetUnderlyingType(element) ?? element;
    }
}
