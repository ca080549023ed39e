using System.Text.Json.Nodes;
using Finetune.Pipeline;
using Finetune.Pipeline.Planning;
using Finetune.Pipeline.Store;
using Spectre.Console;

namespace Finetune.Tool.Output;

/// <summary>
/// Shows what the engine does: one line per stage event and progress message on stderr through
/// Spectre.Console (styled on a terminal, plain text when redirected), or JSON lines on stdout with
/// --json (for machines). Training reports step, loss, lr, tokens/s and ETA through <see cref="Message"/>.
/// </summary>
public sealed class ConsoleObserver : IPipelineObserver
{
    private readonly bool _json;
    private readonly TextWriter _out;
    private readonly IAnsiConsole _err;

    public ConsoleObserver(bool json, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        _json = json;
        _out = stdout ?? System.Console.Out;
        var error = stderr ?? System.Console.Error;
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

    private void Line(string stage, string markup) => _err.MarkupLine($"[bold]{Markup.Escape($"{stage,-9}")}[/] {markup}");
}
