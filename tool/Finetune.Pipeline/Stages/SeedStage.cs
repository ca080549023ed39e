using System.Text.Json.Nodes;
using Finetune.Recipes;

namespace Finetune.Pipeline.Stages;

/// <summary>Reads <c>seed:</c>: the new rows only (seed.safetensors) and probe.json with P(new token) before/after.</summary>
public sealed class SeedStage(Recipe recipe) : RecipeStage(recipe)
{
    public override string Name => "seed";

    public override int Version => 1;

    public override IReadOnlyList<string> Upstream => ["tokenize", "resize"];

    public override StageDeclaration Declare() => new(
        new JsonObject
        {
            ["seed"] = Section(Recipe.Seed),
            ["chat_template"] = Recipe.Data.ChatTemplate,
            ["template_vars"] = Section(Recipe.Data.TemplateVars),
        },
        ModelFiles.Config(ModelPath).Concat(ModelFiles.Weights(ModelPath)).Concat(TemplateFile()).DistinctBy(f => f.Label).ToDictionary(f => f.Label, f => f.Path));

    public override void Run(StageRun run) => throw NotImplementedYet();
}
