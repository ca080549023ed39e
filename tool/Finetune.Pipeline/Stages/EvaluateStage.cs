using System.Text.Json.Nodes;
using Finetune.Recipes;

namespace Finetune.Pipeline.Stages;

/// <summary>Reads <c>evaluate:</c>: eval.json (before/after), samples.jsonl, loss.png and report.md.</summary>
public sealed class EvaluateStage(Recipe recipe) : RecipeStage(recipe)
{
    public override string Name => "evaluate";

    public override int Version => 1;

    public override IReadOnlyList<string> Upstream => ["tokenize", "seed", "map", "train"];

    public override StageDeclaration Declare() => new(
        new JsonObject { ["evaluate"] = Section(Recipe.Evaluate) },
        ModelFiles.Config(ModelPath).Concat(ModelFiles.Weights(ModelPath)).DistinctBy(f => f.Label).ToDictionary(f => f.Label, f => f.Path));

    public override void Run(StageRun run) => throw NotImplementedYet();
}
