using System.Text.Json.Nodes;
using Finetune.Recipes;

namespace Finetune.Pipeline.Stages;

/// <summary>Old/new embedding rows (padded to <c>tokens.pad_to_multiple_of</c>), tied or not: a patch description, not a model copy.</summary>
public sealed class ResizeStage(Recipe recipe) : RecipeStage(recipe)
{
    public override string Name => "resize";

    public override int Version => 1;

    public override IReadOnlyList<string> Upstream => ["tokenize"];

    public override StageDeclaration Declare() => new(
        new JsonObject { ["pad_to_multiple_of"] = Recipe.Tokens.PadToMultipleOf },
        ModelFiles.Config(ModelPath).Concat(ModelFiles.Weights(ModelPath)).DistinctBy(f => f.Label).ToDictionary(f => f.Label, f => f.Path));

    public override void Run(StageRun run) => throw NotImplementedYet();
}
