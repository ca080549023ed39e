using System.Text;
using CliWrap;
using Finetune.Testing;

namespace Finetune.Tool.Tests.Corpus;

/// <summary>
/// The few bad inputs only a real process shows: stdout on a full disk, and a sample of the corpus run through
/// the built tool (a stack overflow or an unhandled exception would end the process, not the in-process run),
/// all started at once so the batch costs about one tool start.
/// </summary>
public sealed class ProcessCorpusTests
{
    /// <summary>Corpus cases whose failure modes were process deaths before (deep recursion, huge allocations).</summary>
    private static readonly string[] Sample =
    [
        "unclosed [ mid-file",
        "template tojson 100000 deep",
        "template deep parentheses",
        "template list doubled 30 times",
        "tokenizer.json nested 10000 deep",
        "every row dropped",
    ];

    [Fact]
    public async Task A_sample_of_the_corpus_gives_the_same_one_line_from_the_built_tool()
    {
        var runs = Sample.Select(name => CorpusCases.All().Single(c => c.Name == name)).Select(async c =>
        {
            var dir = TestPaths.NewTempDir("corpus-process");
            c.Setup(dir);
            var result = await ToolOutput.Run(dir, [.. c.Args.Select(a => a.Replace("{d}", dir))]);
            return (Case: c, Dir: dir, Result: result);
        }).ToList();
        foreach (var (c, dir, result) in await Task.WhenAll(runs))
        {
            var output = result.StandardOutput + result.StandardError;
            Assert.True(result.ExitCode == c.Exit, $"{c.Name}: exit {result.ExitCode}: {output}");
            Assert.Contains(c.Fragment.Replace("{d}", dir), output);
            Assert.Single(output.Split('\n'), l => l.Contains("error", StringComparison.Ordinal));
            Assert.DoesNotContain("   at ", output);
        }
    }

    [Fact]
    public async Task Stdout_on_a_full_disk_is_one_line_and_exit_1()
    {
        if (!File.Exists("/dev/full")) return; // Linux only: the device that answers every write with ENOSPC
        var dir = TestPaths.NewTempDir("corpus-full");
        CorpusFiles.Write(dir, "t.jinja", "{% for i in range(100000) %}{{ 'many bytes ' }}{% endfor %}");
        CorpusFiles.Write(dir, "c.json", "{}");
        var stderr = new StringBuilder();
        var result = await Cli.Wrap("bash")
            .WithArguments(["-c", "exec dotnet \"$0\" template render --template t.jinja --context c.json > /dev/full", TestPaths.ToolDll])
            .WithWorkingDirectory(dir)
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr, Encoding.UTF8))
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync();
        var line = Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.True(result.ExitCode == 1, $"exit {result.ExitCode}: {line}");
        Assert.StartsWith("error: ", line);
        Assert.Contains("No space left on device", line);
    }
}
