using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using StreamRec.Cli.Hosting;

namespace StreamRec.Cli.Commands;

/// <summary>
/// <c>streamrec run --stages ...</c>: the production worker. Hosts any subset of the four stages in one
/// process, serves <c>/metrics</c>, <c>/healthz</c> and <c>/readyz</c>, and runs until SIGTERM/SIGINT
/// (clean stop: batches in hand finished, offsets committed) or until a stage fails (exit code 1).
/// </summary>
public static class RunCommand
{
    public static Command Create()
    {
        var stages = new Option<string>("--stages")
        {
            Description = "Stages to run, comma-separated: any of ingest,embed,drift,recommend.",
            Required = true,
        };
        var configFile = ConfigurationArguments.ConfigFileOption();
        var command = new Command("run",
            $"""
            Run StreamRec stages as Kafka workers: one process per stage scales each on its own (Kafka
            consumer groups); several stages in one process suit small installations. All four in one
            process run fused (Topology:Mode=auto): one consumer of the raw topic, each batch handed
            through the stages in process, only dead letters, mutations and recommendations produced;
            Topology:Mode=fused|split chooses, Topology:Chains=N runs N fused chains, one per core at most
            (docs/topology.md). Serves /metrics (Prometheus), /healthz
            and /readyz on Observability:ListenAddress:Port (0.0.0.0:9400).

            {ConfigurationArguments.Help}

            {ConfigurationArguments.ExamplesEnvironment}

            Examples:
              STREAMREC__Ingest__PseudonymKey=$(openssl rand -base64 32) streamrec run --stages ingest,embed,drift,recommend --Embedder:ModelPath=data/models/encoder.onnx
              streamrec run --stages drift,recommend --DriftDetector:Detection:CusumThreshold=12 --Observability:ListenAddress=127.0.0.1
            """)
        {
            stages, configFile,
        };
        ConfigurationArguments.AcceptOverrides(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            WebApplication app;
            StageSelection selection;
            try
            {
                selection = StageSelection.Parse(parse.GetValue(stages)!);
                app = WorkerHost.Build(ConfigurationArguments.Read(parse, configFile), selection);
            }
            catch (ConfigurationException e)
            {
                return ConfigurationError(e.Message);
            }

            await using (app)
            {
                try
                {
                    await app.StartAsync(cancellationToken);
                }
                catch (IOException e)
                {
                    // Kestrel could not bind: almost always a port in use or an address not on this machine.
                    return ConfigurationError($"Observability:ListenAddress/Port cannot be bound: {e.Message}");
                }

                Console.WriteLine($"streamrec: running {selection}; serving {string.Join(", ", app.Urls)} /metrics /healthz /readyz");
                await app.WaitForShutdownAsync(cancellationToken);
            }

            return Environment.ExitCode == ExitCodes.Success ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    internal static int ConfigurationError(string message)
    {
        Console.Error.WriteLine("streamrec: invalid configuration:");
        foreach (var line in message.Split(Environment.NewLine))
        {
            Console.Error.WriteLine("  " + line);
        }

        return ExitCodes.InvalidConfiguration;
    }
}
