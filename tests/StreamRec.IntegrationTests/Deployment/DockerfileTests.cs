using StreamRec.TestSupport;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace StreamRec.IntegrationTests.Deployment;

/// <summary>
/// The two images' Dockerfiles, checked for what can be checked without a Docker engine
/// (<see cref="DockerfileChecks"/>), and against the rest of the repository: the SDK of global.json,
/// the ONNX Runtime package build/Platform.props picks, the chart's user id and model path.
/// </summary>
public sealed partial class DockerfileTests
{
    public static TheoryData<string> Files => ["Dockerfile", "Dockerfile.gpu"];

    [Theory]
    [MemberData(nameof(Files))]
    public void The_Dockerfile_pins_its_base_images_runs_as_non_root_holds_no_secret_and_copies_only_files_that_exist(string file)
    {
        var dockerfile = Read(file);

        var problems = DockerfileChecks.Check(dockerfile, RepositoryFiles.Root);

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(dockerfile.Stages.Count >= 3, "multi-stage: fetch, build, runtime");
    }

    public static TheoryData<string, string, string> Mistakes => new()
    {
        { "FROM debian:12.12-slim\n", "FROM debian:latest\n", "is not pinned by a tag (latest)" },
        { "FROM debian:12.12-slim\n", "FROM debian\n", "is not pinned by a tag (no tag)" },
        { "FROM debian:12.12-slim\n", "ARG BASE=debian:12\nFROM $BASE\n", "is a variable" },
        { "USER 10001:10001\n", "", "has no USER" },
        { "USER 10001:10001\n", "USER root\n", "runs as root" },
        { "USER 10001:10001\n", "USER 10001:10001\nRUN apt-get install -y curl\n", "RUN after USER" },
        { "WORKDIR /opt/streamrec\n", "ENV STREAMREC__Ingest__PseudonymKey=c2VjcmV0\nWORKDIR /opt/streamrec\n", "is given a value in the image" },
        { "WORKDIR /opt/streamrec\n", "ARG KAFKA_SASL_PASSWORD=hunter2\nWORKDIR /opt/streamrec\n", "KAFKA_SASL_PASSWORD is given a value" },
        { "WORKDIR /opt/streamrec\n", "COPY deploy/kafka-client.key /etc/kafka/\nWORKDIR /opt/streamrec\n", "copies a key or credentials file" },
        { "WORKDIR /opt/streamrec\n", "COPY data/ml-latest-small/ratings.csv /data/\nWORKDIR /opt/streamrec\n", "is excluded from the build context by .dockerignore (data)" },
        { "WORKDIR /opt/streamrec\n", "COPY models/encoder.onnx /opt/streamrec/models/\nWORKDIR /opt/streamrec\n", "models/encoder.onnx does not exist" },
        { "ENTRYPOINT [\"streamrec\"]\n", "ENTRYPOINT [\"dotnet\", \"streamrec.dll\"]\n", "ENTRYPOINT is not streamrec" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void The_checks_report_a_Dockerfile_with_a_mistake(string original, string replacement, string expected)
    {
        var text = File.ReadAllText(RepositoryFiles.Path("Dockerfile"));
        var index = text.LastIndexOf(original, StringComparison.Ordinal);
        Assert.True(index >= 0, $"Dockerfile has no '{original.Trim()}'");
        var broken = text[..index] + replacement + text[(index + original.Length)..];

        var problems = DockerfileChecks.Check(Dockerfile.Parse(broken), RepositoryFiles.Root);

        Assert.True(problems.Any(p => p.Contains(expected, StringComparison.Ordinal)),
            $"expected a problem containing '{expected}'; got:\n{string.Join("\n", problems)}");
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void The_image_is_built_from_the_repositorys_SDK_and_runs_as_the_chart_expects(string file)
    {
        var dockerfile = Read(file);
        var text = File.ReadAllText(RepositoryFiles.Path(file));

        // The SDK stage uses the SDK global.json pins (a different one would refuse to build).
        var sdk = JsonDocument.Parse(File.ReadAllText(RepositoryFiles.Path("global.json"))).RootElement.GetProperty("sdk").GetProperty("version").GetString();
        Assert.Contains(dockerfile.Stages, s => s.BaseImage.StartsWith($"mcr.microsoft.com/dotnet/sdk:{sdk}-", StringComparison.Ordinal));

        // The chart's securityContext runs the pods as the image's user.
        var user = dockerfile.In(dockerfile.Final).Last(i => i.Keyword == "USER").Arguments.Split(':')[0];
        Assert.Contains($"runAsUser: {user}\n", File.ReadAllText(Path.Combine(ChartTools.ChartDirectory, "values.yaml")), StringComparison.Ordinal);

        // The default model is trained during the build and lands where the chart's configuration points.
        var model = ChartModelPath().Match(File.ReadAllText(Path.Combine(ChartTools.ChartDirectory, "values.yaml"))).Groups[1].Value;
        Assert.Equal("/opt/streamrec/models/encoder.onnx", model);
        Assert.Contains(dockerfile.Instructions, i => i.Keyword == "RUN" && i.Arguments.Contains("train-encoder --holdout 0", StringComparison.Ordinal));
        Assert.Contains(dockerfile.In(dockerfile.Final), i => i.Keyword == "COPY" && i.Arguments.EndsWith(" " + model, StringComparison.Ordinal));

        // librdkafka and ONNX Runtime come from their NuGet packages with the publish, never from the
        // distribution (a second librdkafka beside Confluent's) nor fetched or copied in by hand.
        Assert.DoesNotContain(dockerfile.Instructions, i => i.Arguments.Contains("librdkafka", StringComparison.Ordinal));
        var publish = Publish(dockerfile);
        Assert.DoesNotContain(dockerfile.Instructions, i => i != publish && (i.Arguments.Contains("onnxruntime", StringComparison.OrdinalIgnoreCase)
            || i.Arguments.Contains("native/", StringComparison.Ordinal)));
        Assert.Contains("EXPOSE 9400", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_CPU_image_runs_on_Debian_with_the_CPU_package_and_the_GPU_image_on_CUDA_13_with_cuDNN_9_and_the_GPU_package()
    {
        var cpu = Read("Dockerfile");
        Assert.StartsWith("debian:12", cpu.Final.BaseImage, StringComparison.Ordinal);
        Assert.DoesNotContain("OnnxRuntimeGpu", Publish(cpu).Arguments, StringComparison.Ordinal);

        // ONNX Runtime 1.32's CUDA provider links CUDA 13 and cuDNN 9: a CUDA 12 image cannot load it.
        var gpu = Read("Dockerfile.gpu");
        Assert.Matches(@"^nvidia/cuda:13\.\d+\.\d+-cudnn-runtime-", gpu.Final.BaseImage);
        var publish = Publish(gpu).Arguments;
        Assert.Contains("-p:OnnxRuntimeGpu=true", publish, StringComparison.Ordinal);
        Assert.Contains("libonnxruntime_providers_cuda.so", publish, StringComparison.Ordinal);

        // That property swaps the CPU package for the GPU one (never both: the CPU library would win),
        // at the same version.
        var props = File.ReadAllText(RepositoryFiles.Path("build", "Platform.props"));
        Assert.Contains("""<PackageReference Include="Microsoft.ML.OnnxRuntime" Condition="'$(OnnxRuntimeGpu)' != 'true'" ExcludeAssets="build" />""", props, StringComparison.Ordinal);
        Assert.Contains("""<PackageReference Include="Microsoft.ML.OnnxRuntime.Gpu.Linux" Condition="'$(OnnxRuntimeGpu)' == 'true'" ExcludeAssets="build" />""", props, StringComparison.Ordinal);
        var versions = PackageVersion().Matches(props).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        Assert.Equal(versions["Microsoft.ML.OnnxRuntime"], versions["Microsoft.ML.OnnxRuntime.Gpu.Linux"]);
    }

    [Fact]
    public void The_parser_joins_continuation_lines_and_skips_comments()
    {
        var dockerfile = Dockerfile.Parse("# syntax=docker/dockerfile:1\nFROM a:1 AS one\nRUN x \\\n    # a comment\n    && y\nFROM one\nUSER 1\n");

        Assert.Equal(new[] { "FROM", "RUN", "FROM", "USER" }, dockerfile.Instructions.Select(i => i.Keyword));
        Assert.Equal("x && y", dockerfile.Instructions[1].Arguments);
        Assert.Equal(("a:1", "one"), (dockerfile.Stages[0].BaseImage, dockerfile.Stages[0].Alias));
        Assert.Equal(1, dockerfile.Instructions[3].Stage);
    }

    private static Dockerfile Read(string file) => Dockerfile.Parse(File.ReadAllText(RepositoryFiles.Path(file)));

    [GeneratedRegex(@"\n    ModelPath: (\S+)")]
    private static partial Regex ChartModelPath();

    [GeneratedRegex(@"<PackageVersion Include=""(Microsoft\.ML\.OnnxRuntime[\w.]*)"" Version=""([^""]+)""")]
    private static partial Regex PackageVersion();

    private static Dockerfile.Instruction Publish(Dockerfile dockerfile) =>
        Assert.Single(dockerfile.Instructions, i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet publish src/Cli", StringComparison.Ordinal));
}
