using Finetune.Pipeline;
using Finetune.Pipeline.Planning;
using Finetune.Pipeline.Store;
using Finetune.Testing;
using Finetune.Tool.Output;

namespace Finetune.Tool.Tests;

/// <summary>The live bar's text, the redirected console's plain lines, and the closing "where to look" lines of run.</summary>
public sealed class ProgressOutputTests
{
    private static readonly StageProgress Step120 = new(120, 675, "step", "loss 1.2346  lr 3.00e-3  8,123 tok/s", TimeSpan.FromSeconds(70), false);

    [Fact]
    public void Bar_fills_a_cell_per_twentieth_and_carries_the_plain_line()
    {
        // 120 / 675 = 0.178: 3 of 20 cells
        Assert.Equal("train     [███░░░░░░░░░░░░░░░░░] step 120/675  loss 1.2346  lr 3.00e-3  8,123 tok/s  ETA 00:01:10",
            ProgressBar.Render("train", Step120, 200));
        Assert.Equal("map       [████████████████████] row 10/10", ProgressBar.Render("map", new StageProgress(10, 10, "row", "", null, true), 200));
    }

    [Fact]
    public void Bar_is_cut_to_one_less_than_the_terminal_width()
    {
        // 10 (stage) + 22 (bar) + 1 + "step 1" = 39 characters
        Assert.Equal("train     [███░░░░░░░░░░░░░░░░░] step 1", ProgressBar.Render("train", Step120, 40));
    }

    [Fact]
    public void Redirected_output_prints_only_milestones_as_plain_lines()
    {
        var err = new StringWriter();
        var observer = new ConsoleObserver(json: false, stdout: new StringWriter(), stderr: err);
        for (int step = 1; step <= 25; step++)
            observer.Progress("train", new StageProgress(step, 25, "step", "loss 2.0000", TimeSpan.FromSeconds(25 - step), step % 10 == 0 || step == 25));
        Assert.Equal(
            ["train     step 10/25  loss 2.0000  ETA 00:00:15", "train     step 20/25  loss 2.0000  ETA 00:00:05", "train     step 25/25  loss 2.0000  ETA 00:00:00"],
            err.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')));
        Assert.DoesNotContain('\u001b', err.ToString());
    }

    [Fact]
    public void Live_bar_is_redrawn_in_place_and_cleared_before_the_next_line()
    {
        var err = new StringWriter();
        var observer = new ConsoleObserver(json: false, stdout: new StringWriter(), stderr: err, live: true);
        observer.Progress("train", new StageProgress(1, 25, "step", "loss -", null, false));
        observer.Message("train", "trained 25 steps");
        var text = err.ToString();
        Assert.StartsWith("\rtrain     [░░░░░░░░░░░░░░░░░░░░] step 1/25  loss -\u001b[K\r\u001b[K", text);
        Assert.Contains("trained 25 steps", text[text.LastIndexOf("\u001b[K", StringComparison.Ordinal)..]);
    }

    [Fact]
    public void Json_output_keeps_milestones_as_message_events()
    {
        var stdout = new StringWriter();
        var observer = new ConsoleObserver(json: true, stdout: stdout, stderr: new StringWriter(), live: true);
        observer.Progress("train", new StageProgress(5, 10, "step", "loss -", null, false));
        observer.Progress("train", new StageProgress(10, 10, "step", "loss 1.0000", null, true));
        Assert.Equal("""{"event":"message","stage":"train","text":"step 10/10  loss 1.0000"}""", stdout.ToString().Trim());
    }

    [Fact]
    public void Run_results_name_the_report_and_the_export_when_they_exist()
    {
        var dir = TestPaths.NewTempDir("ft-results");
        var store = Path.Combine(dir, "store");
        var key = new string('a', 64);
        var report = Path.Combine(store, "evaluate", key, "report.md");
        Directory.CreateDirectory(Path.GetDirectoryName(report)!);
        File.WriteAllText(report, "# report\n");
        var export = Directory.CreateDirectory(Path.Combine(dir, "export", "tiny")).FullName;
        StagePlan Plan(string stage) => new(stage, key, new StageInputs(stage, 1, new System.Text.Json.Nodes.JsonObject(), new Dictionary<string, string>(), new Dictionary<string, string>()), true, []);

        var results = RunResults.Of([Plan("train"), Plan("evaluate"), Plan("export")], store, export);
        Assert.Equal([$"report: {report}", $"export: {export}"], results.Lines());
        Assert.Equal($$"""{"event":"done","report":{{System.Text.Json.JsonSerializer.Serialize(report)}},"export":{{System.Text.Json.JsonSerializer.Serialize(export)}}}""",
            results.ToJson().ToJsonString());

        // --only train: neither stage ran, nothing to point at
        Assert.Empty(RunResults.Of([Plan("train")], store, export).Lines());
        // an export path the run did not write yet
        Assert.Equal([$"report: {report}"], RunResults.Of([Plan("evaluate"), Plan("export")], store, Path.Combine(dir, "nowhere")).Lines());
    }
}
