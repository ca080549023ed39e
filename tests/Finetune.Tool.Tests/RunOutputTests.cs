using System.Globalization;
using System.Text.Json.Nodes;
using Finetune.Testing;

namespace Finetune.Tool.Tests;

/// <summary>What a user sees from <c>run</c> with its output redirected: plain progress lines and where the results are.</summary>
public sealed class RunOutputTests
{
    [Fact]
    public async Task Redirected_run_prints_the_logged_loss_every_log_every_steps_then_the_report_and_export_paths()
    {
        var dir = TestPaths.NewTempDir("ft-runout");
        File.WriteAllText(Path.Combine(dir, "tiny.yaml"), TinyRecipe.Short(TinyRecipe.Text("export/tiny"), 12));   // log_every: 10
        var r = await ToolProcess.Run(dir, "run", "tiny.yaml", "--store", "store");
        Assert.True(r.ExitCode == 0, r.StandardError);
        var lines = r.StandardError.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
        Assert.DoesNotContain('\u001b', r.StandardError);

        // step lines at steps 10 and 12 (log_every and the last), each with the loss metrics.jsonl logged for that step
        var steps = lines.Where(l => l.StartsWith("train     step ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["10/12", "12/12"], steps.Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2]));
        var logged = File.ReadLines(Path.Combine(Entry(dir, "train"), "metrics.jsonl"))
            .Select(l => JsonNode.Parse(l)!).Where(j => j["loss"] is not null)
            .ToDictionary(j => (long)j["step"]!, j => (double)j["loss"]!);
        Assert.Equal([10L, 12L], logged.Keys.Order());
        Assert.Contains($"loss {logged[10].ToString("0.0000", CultureInfo.InvariantCulture)}  lr ", steps[0]);
        Assert.Contains($"loss {logged[12].ToString("0.0000", CultureInfo.InvariantCulture)}  lr ", steps[1]);
        Assert.Matches(@"tok/s  ETA \d\d:\d\d:\d\d$", steps[0]);

        Assert.Equal($"report: {Path.Combine(Entry(dir, "evaluate"), "report.md")}", lines[^2]);
        Assert.Equal($"export: {Path.Combine(dir, "export", "tiny")}", lines[^1]);
        Assert.True(File.Exists(lines[^2]["report: ".Length..]));
    }

    private static string Entry(string dir, string stage)
    {
        var key = (string)JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "tiny.lock")))!["stages"]![stage]!["key"]!;
        return Path.Combine(dir, "store", stage, key);
    }
}
