using StreamRec.TestSupport;
using StreamRec.IntegrationTests.Infrastructure;

namespace StreamRec.IntegrationTests.Deployment;

/// <summary>
/// The offline deployment-test tools test themselves (helm-render's Go tests, the validators' checks
/// that they reject broken input, shellcheck): run here so that CI's test summary counts them.
/// </summary>
public sealed class ToolSelfTests
{
    [Fact]
    public async Task The_helm_renderer_and_the_manifest_validators_pass_their_own_tests()
    {
        var run = await ExternalProcess.RunAsync("bash", null, TimeSpan.FromMinutes(5), RepositoryFiles.Path("tools", "test.sh"));

        Assert.True(run.ExitCode == 0, $"tools/test.sh exited {run.ExitCode}\n{run.StandardOutput}\n{run.StandardError}");
        Assert.Contains("tools: all passed", run.StandardOutput, StringComparison.Ordinal);
    }
}
