using StreamRec.Cli.Commands;

return await StreamRecCommandLine.InvokeAsync(args);
