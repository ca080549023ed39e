namespace Finetune.Torch.Tests;

/// <summary>The run settings every test project gets from tests/Directory.Build.props reach the test host.</summary>
public sealed class TestHostSettingsTests
{
    [Fact]
    public void OpenMP_workers_sleep_in_the_test_host_as_they_do_in_the_tool() =>
        Assert.Equal("PASSIVE", Environment.GetEnvironmentVariable("OMP_WAIT_POLICY"));
}
