using System.Text.Json.Nodes;
using Finetune.Recipes;

namespace Finetune.Pipeline.Stages;

/// <summary>Reads <c>export:</c>: a Hugging Face folder (config, weights, tokenizer files, generation config), checked by reloading.</summary>
public sealed class ExportStage(Recipe recipe) : RecipeStage(recipe)
{
    public override string Name => "export";

    public override int Version => 1;

    public override IReadOnlyList<string> Upstream => ["tokenize", "resize", "train"];

    public override StageDeclaration Declare() => new(
        new JsonObject { ["export"] = Section(Recipe.Export, "path") },
        ModelFiles.Config(ModelPath).ToDictionary(f => f.Label, f => f.Path));

    public override void Run(StageRun run) => throw NotImplementedYet();
}
