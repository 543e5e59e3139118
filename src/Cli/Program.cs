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

return await root.Parse(args).InvokeAsync();
