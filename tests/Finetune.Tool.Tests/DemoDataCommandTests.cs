using Finetune.Testing;

namespace Finetune.Tool.Tests;

/// <summary><c>demo-data</c> regenerates the checked-in demo dataset with the command its README documents.</summary>
public sealed class DemoDataCommandTests
{
    [Fact]
    public async Task Count_2000_seed_7_reproduces_the_checked_in_file_byte_for_byte()
    {
        var dir = TestPaths.NewTempDir();
        var r = await ToolOutput.Run(dir, "demo-data", "--count", "2000", "--seed", "7", "--out", "out/demo.jsonl");
        Assert.True(r.ExitCode == 0, r.StandardError);
        Assert.Equal(File.ReadAllBytes(Path.Combine(TestPaths.RepoRoot, "recipes", "data", "demo-reasoning.jsonl")),
            File.ReadAllBytes(Path.Combine(dir, "out", "demo.jsonl")));
    }

    [Fact]
    public async Task Missing_out_is_a_user_error()
    {
        var r = await ToolOutput.Run(TestPaths.NewTempDir(), "demo-data", "--count", "3");
        Assert.Contains("--out FILE is required", r.AssertUserError());
    }
}
