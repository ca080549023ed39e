using System.Text.Json.Nodes;
using Finetune.Pipeline.Planning;
using Finetune.Pipeline.Stages;
using Finetune.Pipeline.Store;

namespace Finetune.Tool.Output;

/// <summary>Where a finished <c>run</c> left what a user looks at next: the evaluation report and the exported model (full paths; null when this run has none).</summary>
public sealed record RunResults(string? Report, string? Export)
{
    /// <param name="plans">what <c>PipelineEngine.Run</c> returned: the stages this run ran or found cached</param>
    /// <param name="exportPath">the recipe's resolved <c>export.path</c></param>
    public static RunResults Of(IReadOnlyList<StagePlan> plans, string storeRoot, string? exportPath)
    {
        string? report = plans.FirstOrDefault(p => p.Stage == "evaluate") is { } evaluate
            ? Path.GetFullPath(Path.Combine(new ArtifactStore(storeRoot).EntryPath(evaluate.Stage, evaluate.Key), EvaluateStage.ReportFile))
            : null;
        string? export = plans.Any(p => p.Stage == "export") && exportPath is not null ? Path.GetFullPath(exportPath) : null;
        return new(report is not null && File.Exists(report) ? report : null,
            export is not null && (Directory.Exists(export) || File.Exists(export)) ? export : null);
    }

    /// <summary>The closing lines of a plain run: <c>report: PATH</c>, <c>export: PATH</c>.</summary>
    public IEnumerable<string> Lines()
    {
        if (Report is not null) yield return $"report: {Report}";
        if (Export is not null) yield return $"export: {Export}";
    }

    /// <summary>The closing event of <c>run --json</c>.</summary>
    public JsonObject ToJson() => new() { ["event"] = "done", ["report"] = Report, ["export"] = Export };
}
