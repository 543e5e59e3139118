using System.CommandLine;
using StreamRec.Cli.Commands;

var root = new RootCommand(
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

// SIGTERM/SIGINT cancel the running command's token; the command then has this long to stop cleanly
// (finish the batch in hand, commit offsets, leave the consumer group) before System.CommandLine ends
// the process. Its default, 2 s, is shorter than a drain; Kubernetes waits 30 s before SIGKILL.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(25) });
