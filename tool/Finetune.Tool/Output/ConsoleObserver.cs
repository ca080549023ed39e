using System.Text.Json.Nodes;
using Finetune.Pipeline;
using Finetune.Pipeline.Planning;
using Finetune.Pipeline.Store;
using Spectre.Console;

namespace Finetune.Tool.Output;

/// <summary>
/// Shows what the engine does: one line per stage event and message on stderr through Spectre.Console (styled on a
/// terminal, plain text when redirected), or JSON lines on stdout with --json (for machines). A long stage's
/// <see cref="Progress"/> is a live bar (<see cref="ProgressBar"/>) on a terminal, redrawn in place and cleared before the
/// next line; redirected (and with --json) only its milestones come out, as lines (training: every log_every steps,
/// with the loss metrics.jsonl holds).
/// </summary>
public sealed class ConsoleObserver : IPipelineObserver
{
    private readonly bool _json;
    private readonly TextWriter _out;
    private readonly IAnsiConsole _err;
    private readonly TextWriter _errWriter;
    private readonly bool _live;
    private readonly System.Diagnostics.Stopwatch _sinceDraw = System.Diagnostics.Stopwatch.StartNew();
    private bool _barShown;

    /// <param name="live">draw progress as a live bar; null = when stderr is a terminal (never with --json or a given writer)</param>
    public ConsoleObserver(bool json, TextWriter? stdout = null, TextWriter? stderr = null, bool? live = null)
    {
        _json = json;
        _out = stdout ?? System.Console.Out;
        var error = stderr ?? System.Console.Error;
        _errWriter = error;
        _live = !json && (live ?? (stderr is null && !System.Console.IsErrorRedirected));
        _err = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(error),
            Ansi = stderr is null && !System.Console.IsErrorRedirected ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = ColorSystemSupport.Detect,
        });
        _err.Profile.Width = int.MaxValue / 2; // one event, one line: never wrap
    }

    public void StageCached(StagePlan plan) => Emit(plan, "cached", null);

    public void StageStarting(StagePlan plan)
    {
        if (!_json) Line(plan.Stage, $"[dim]{plan.ShortKey}[/]  [yellow]running[/]: {Markup.Escape(string.Join("; ", plan.Reasons))}");
    }

    public void StageFinished(StagePlan plan, StoreManifest manifest) => Emit(plan, "ran", manifest.Seconds);

    public void StageSkipped(string stage, string why)
    {
        if (_json) _out.WriteLine(new JsonObject { ["event"] = "stage", ["stage"] = stage, ["status"] = "skipped", ["why"] = why }.ToJsonString());
        else Line(stage, $"{"",12}  [dim]skipped ({Markup.Escape(why)})[/]");
    }

    public void Message(string stage, string text)
    {
        if (_json) _out.WriteLine(new JsonObject { ["event"] = "message", ["stage"] = stage, ["text"] = text }.ToJsonString());
        else Line(stage, Markup.Escape(text));
    }

    public void Progress(string stage, StageProgress progress)
    {
        if (!_live)
        {
            if (progress.Milestone) Message(stage, progress.Line());
            return;
        }
        bool end = progress.Done >= progress.Total;
        if (!end && !progress.Milestone && _barShown && _sinceDraw.ElapsedMilliseconds < 100) return;   // map's rows come faster than eyes
        _sinceDraw.Restart();
        _errWriter.Write($"\r{ProgressBar.Render(stage, progress, Width())}\u001b[K");
        _errWriter.Flush();
        _barShown = true;
    }

    private static int Width()
    {
        try
        {
            return System.Console.WindowWidth > 0 ? System.Console.WindowWidth : 100;
        }
        catch (IOException)
        {
            return 100;
        }
    }

    private void ClearBar()
    {
        if (!_barShown) return;
        _errWriter.Write("\r\u001b[K");
        _barShown = false;
    }

    private void Emit(StagePlan plan, string status, double? seconds)
    {
        if (_json)
        {
            var line = new JsonObject
            {
                ["event"] = "stage",
                ["stage"] = plan.Stage,
                ["key"] = plan.Key,
                ["status"] = status,
                ["reasons"] = new JsonArray(plan.Reasons.Select(r => (JsonNode)r.ToJson()).ToArray()),
            };
            if (seconds is { } s) line["seconds"] = Math.Round(s, 3);
            _out.WriteLine(line.ToJsonString());
            return;
        }
        var tail = status == "ran" ? $"[green]done[/] in {seconds:0.0} s" : "[blue]cached[/]";
        Line(plan.Stage, $"[dim]{plan.ShortKey}[/]  {tail}");
    }

    private void Line(string stage, string markup)
    {
        ClearBar();
        _err.MarkupLine($"[bold]{Markup.Escape($"{stage,-9}")}[/] {markup}");
    }
}
