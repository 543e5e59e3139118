using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using StreamRec.Cli.Hosting;

namespace StreamRec.Cli.Commands;

/// <summary>
/// The <c>streamrec</c> command tree and how it is invoked. A usage error (a missing required option,
/// an unknown option or command, a bad value) prints the error and a one-line pointer to the command's
/// help on stderr and exits with <see cref="ExitCodes.InvalidUsage"/>: the whole help would push the
/// error off the screen, and exit code 1 would read as a run-time failure worth a restart.
/// </summary>
public static class StreamRecCommandLine
{
    /// <summary>The program's name as users type it (the root command's own name is the host's file name).</summary>
    public const string Name = "streamrec";

    public static RootCommand Create() => new(
        """
        StreamRec: a streaming interest-drift detector. Consumes click/browse events from Kafka, embeds
        them with an ONNX encoder, tracks per-user interest in Redis, flags interest mutations and publishes
        differentially private recommendations.
        """)
    {
        DemoCommand.Create(),
        DevKafkaCommand.Create(),
        EvalCommand.Create(),
        ReplayCommand.Create(),
        RunCommand.Create(),
        ForgetCommand.Create(),
        TrainEncoderCommand.Create(),
    };

    public static Task<int> InvokeAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        var parse = Create().Parse(args);
        var configuration = new InvocationConfiguration
        {
            // SIGTERM/SIGINT cancel the running command's token; the command then has this long to stop
            // cleanly (finish the batch in hand, commit offsets, leave the consumer group) before
            // System.CommandLine ends the process. Its default, 2 s, is shorter than a drain; Kubernetes
            // waits 30 s before SIGKILL.
            ProcessTerminationTimeout = TimeSpan.FromSeconds(25),
            Output = output ?? Console.Out,
            Error = error ?? Console.Error,
        };
        if (parse.Action is ParseErrorAction)
        {
            return Task.FromResult(UsageError(parse, configuration.Error));
        }

        return parse.InvokeAsync(configuration);
    }

    private static int UsageError(ParseResult parse, TextWriter error)
    {
        if (parse.CommandResult.Parent is null && parse.UnmatchedTokens.Count > 0)
        {
            // Not "Required command was not provided" first: the word typed is what went wrong.
            error.WriteLine($"{Name}: unknown command '{parse.UnmatchedTokens[0]}'.");
        }
        else
        {
            foreach (var message in parse.Errors.Select(e => e.Message).Distinct(StringComparer.Ordinal))
            {
                error.WriteLine($"{Name}: {message}");
            }
        }

        error.WriteLine($"Run '{CommandPath(parse)} --help' for usage.");
        return ExitCodes.InvalidUsage;
    }

    /// <summary>"streamrec eval" for an error in eval's arguments; "streamrec" for an unknown command.</summary>
    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result.Parent is CommandResult parent; result = parent)
        {
            names.Insert(0, result.Command.Name);
        }

        return string.Join(' ', [Name, .. names]);
    }
}
