using Finetune.Testing;

namespace Finetune.Tool.Tests;

public sealed class InitModelCommandTests
{
    [Fact]
    public async Task Init_model_rewrites_the_committed_tiny_model_byte_for_byte()
    {
        var dir = TestPaths.NewTempDir();
        var r = await ToolProcess.Run(dir, "init-model", "--preset", "tiny", "--seed", "1", "--out", "tiny");
        Assert.True(r.ExitCode == 0, r.StandardError);
        var committed = Path.Combine(TestPaths.RepoRoot, "recipes", "models", "tiny-llama");
        var names = Directory.GetFiles(committed).Select(f => Path.GetFileName(f)!).Order().ToArray();
        Assert.Equal(names, Directory.GetFiles(Path.Combine(dir, "tiny")).Select(f => Path.GetFileName(f)!).Order().ToArray());
        foreach (var name in names)
            Assert.True(File.ReadAllBytes(Path.Combine(committed, name)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(dir, "tiny", name))), name);
    }

    [Fact]
    public async Task Unknown_preset_is_a_user_error()
    {
        var r = await ToolProcess.Run(TestPaths.NewTempDir(), "init-model", "--preset", "huge", "--out", "x");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("--preset huge: unknown preset", r.StandardError);
    }
}
