namespace StreamRec.Cli.Hosting;

/// <summary>The process exit codes of <c>streamrec</c> (docs/configuration.md).</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>A stage failed at run time (Kubernetes restarts the pod; nothing is lost: offsets were not stored).</summary>
    public const int Failure = 1;

    /// <summary>Invalid configuration: an unknown key, a missing secret or an impossible value. Fix it; a restart will not help.</summary>
    public const int InvalidConfiguration = 2;

    /// <summary>
    /// A command-line usage error (a missing required option, an unknown option or command): the same
    /// code as invalid configuration, since both are a mistake in how the process was started.
    /// </summary>
    public const int InvalidUsage = InvalidConfiguration;

    /// <summary>Interrupted (SIGINT / Ctrl-C), after a clean stop.</summary>
    public const int Interrupted = 130;
}
