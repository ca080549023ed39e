using System.Text.RegularExpressions;
using Finetune.Testing;

namespace Finetune.Tool.Tests;

/// <summary><c>--version</c>, the version in <c>--help</c>, and help that is not re-wrapped when piped.</summary>
public sealed partial class VersionAndHelpTests
{
    /// <summary>The version the repository declares (Directory.Build.props), read independently of the tool.</summary>
    private static string DeclaredVersion() =>
        VersionElement().Match(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "Directory.Build.props"))).Groups[1].Value;

    [GeneratedRegex("<Version>([^<]+)</Version>")]
    private static partial Regex VersionElement();

    [Theory]
    [InlineData("--version")]
    [InlineData("-v")]
    public async Task Version_prints_the_declared_version_and_exits_zero(string option)
    {
        var r = await ToolOutput.Run(TestPaths.NewTempDir(), option);
        Assert.Equal(0, r.ExitCode);
        var line = Assert.Single(r.OutputLines);
        Assert.Matches($"^{Regex.Escape(DeclaredVersion())}(\\+[0-9a-f]{{12}})?$", line);
    }

    [Fact]
    public async Task Help_starts_with_the_name_and_version_and_lists_the_version_option()
    {
        var r = await ToolOutput.Run(TestPaths.NewTempDir(), "--help");
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith($"dotnet finetune {DeclaredVersion()}", r.OutputLines[0]);
        Assert.Matches(@"(?m)^\s+-v, --version\s+Prints version information$", r.StandardOutput);
    }

    [Fact]
    public async Task Piped_help_keeps_every_example_and_description_on_one_line()
    {
        var r = await ToolOutput.Run(TestPaths.NewTempDir(), "--help");
        var lines = r.StandardOutput.Split('\n');
        // The longest example and a long description from CliApp, as a user types and reads them.
        Assert.Contains("    dotnet finetune tokenize --model models/Llama-3.2-1B-Instruct --add \"<think>\" --bos --text \"<think>hi</think>\"", lines);
        Assert.Contains(lines, l => l.EndsWith("Encode text with a model's tokenizer (optionally with added tokens): one {\"text\", \"ids\"} JSON line per input", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.EndsWith(' '));
    }
}
