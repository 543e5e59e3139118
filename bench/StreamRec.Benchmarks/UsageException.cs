namespace StreamRec.Benchmarks;

/// <summary>The command line is wrong: reported as a usage error (exit code 2) without a stack trace.</summary>
internal sealed class UsageException(string message) : Exception(message);
