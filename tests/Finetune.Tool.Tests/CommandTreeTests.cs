using Finetune.Testing;

namespace Finetune.Tool.Tests;

/// <summary>The inference, benchmark and data commands are registered where DESIGN.md §1 puts them.</summary>
public sealed class CommandTreeTests
{
    [Theory]
    [InlineData(new[] { "--help" }, new[] { "tokenize", "template", "score", "generate", "bench", "demo-data" })]
    [InlineData(new[] { "template", "--help" }, new[] { "render" })]
    [InlineData(new[] { "bench", "--help" }, new[] { "tokenize", "forward" })]
    public async Task Help_lists_the_commands(string[] args, string[] commands)
    {
        var r = await ToolOutput.Run(TestPaths.NewTempDir(), args);
        Assert.Equal(0, r.ExitCode);
        foreach (var command in commands)
            Assert.Matches($@"(?m)^\s+{command}\s", r.StandardOutput);
    }

    [Fact]
    public async Task Tokenize_accepts_a_tokenizer_json_file()
    {
        var r = await ToolOutput.Run(TestPaths.NewTempDir(), "tokenize", "--model", TestPaths.Reference("llama3", "tokenizer.json"), "--text", "The end.");
        Assert.True(r.ExitCode == 0, r.StandardError);
        Assert.Equal("{\"text\":\"The end.\",\"ids\":[791,842,13]}\n", r.StandardOutput); // encode_samples.jsonl
    }
}
