using System.Text.Json.Nodes;
using Finetune.Pipeline;
using Finetune.Pipeline.Planning;
using Finetune.Pipeline.Store;

namespace Finetune.Pipeline.Tests.Engine;

/// <summary>A stage whose parameters and files the test sets, and which counts its runs.</summary>
internal sealed class FakeStage(string name, params string[] upstream) : IStage
{
    public string Name => name;
    public int Version { get; set; } = 1;
    public IReadOnlyList<string> Upstream => upstream;
    public JsonObject Params { get; set; } = [];
    public Dictionary<string, string> Files { get; } = [];
    public int Runs { get; private set; }
    public Action<StageRun>? Body { get; set; }

    public StageDeclaration Declare() => new(Params.DeepClone().AsObject(), Files);

    public void Run(StageRun run)
    {
        Runs++;
        var text = $"{name}:{run.Key}:" + string.Join(",", Upstream.Select(u => File.ReadAllText(Path.Combine(run.UpstreamDir(u), "out.txt"))));
        File.WriteAllText(Path.Combine(run.OutputDir, "out.txt"), text);
        Body?.Invoke(run);
    }
}

/// <summary>Records what the engine reported.</summary>
internal sealed class RecordingObserver : IPipelineObserver
{
    public List<string> Events { get; } = [];
    public void StageCached(StagePlan plan) => Events.Add($"cached {plan.Stage}");
    public void StageStarting(StagePlan plan) => Events.Add($"run {plan.Stage}");
    public void StageFinished(StagePlan plan, StoreManifest manifest) => Events.Add($"done {plan.Stage}");
    public void StageSkipped(string stage, string why) => Events.Add($"skip {stage}");
    public void Message(string stage, string text) => Events.Add($"msg {stage}: {text}");
}
