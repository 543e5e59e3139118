namespace StreamRec.Benchmarks;

/// <summary>
/// One subcommand of streamrec-bench. To add a benchmark, implement this and list it in
/// <see cref="Program"/>'s registry.
/// </summary>
internal interface IBenchmark
{
    /// <summary>The subcommand, e.g. <c>onnx</c>.</summary>
    string Name { get; }

    /// <summary>One line for the usage text.</summary>
    string Summary { get; }

    /// <summary>Usage lines for the subcommand's own options.</summary>
    IReadOnlyList<string> Options { get; }

    /// <summary>Runs the benchmark: the result table to <paramref name="output"/>, progress to stderr.</summary>
    /// <returns>The process exit code.</returns>
    int Run(BenchmarkArguments arguments, TextWriter output);
}
