using System.Text.Json.Nodes;
using Finetune.Pipeline;
using Finetune.Pipeline.Planning;
using Finetune.Pipeline.Store;

namespace Finetune.Tool.Output;

/// <summary>
/// Prints what the engine does: one line per stage event on stderr (progress is for people), or JSON
/// lines on stdout with --json (for machines).
/// </summary>
public sealed class ConsoleObserver(bool json, TextWriter? stdout = null, TextWriter? stderr = null) : IPipelineObserver
{
    private readonly TextWriter _out = stdout ?? System.Console.Out;
    private readonly TextWriter _err = stderr ?? System.Console.Error;

    public void StageCached(StagePlan plan) => Emit(plan, "cached", null);

    public void StageStarting(StagePlan plan)
    {
        if (!json) _err.WriteLine($"{plan.Stage,-9} {plan.ShortKey}  running: {string.Join("; ", plan.Reasons)}");
    }

    public void StageFinished(StagePlan plan, StoreManifest manifest) => Emit(plan, "ran", manifest.Seconds);

    public void StageSkipped(string stage, string why)
    {
        if (json) _out.WriteLine(new JsonObject { ["event"] = "stage", ["stage"] = stage, ["status"] = "skipped", ["why"] = why }.ToJsonString());
        else _err.WriteLine($"{stage,-9} {"",12}  skipped ({why})");
    }

    public void Message(string stage, string text)
    {
        if (json) _out.WriteLine(new JsonObject { ["event"] = "message", ["stage"] = stage, ["text"] = text }.ToJsonString());
        else _err.WriteLine($"{stage,-9} {text}");
    }

    private void Emit(StagePlan plan, string status, double? seconds)
    {
        if (json)
        {
            var line = new JsonObject
            {
                ["event"] = "stage",
                ["stage"] = plan.Stage,
                ["key"] = plan.Key,
                ["status"] = status,
                ["reasons"] = new JsonArray(plan.Reasons.Select(r => (JsonNode)r).ToArray()),
            };
            if (seconds is { } s) line["seconds"] = Math.Round(s, 3);
            _out.WriteLine(line.ToJsonString());
            return;
        }
        var tail = status == "ran" ? $"done in {seconds:0.0} s" : "cached";
        _err.WriteLine($"{plan.Stage,-9} {plan.ShortKey}  {tail}");
    }
}
