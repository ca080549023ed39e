using System.Text.Json.Nodes;
using Finetune.Recipes;

namespace Finetune.Pipeline.Stages;

/// <summary>Reads <c>data:</c>: train/test token shards (ids + loss mask) and stats.json.</summary>
public sealed class MapStage(Recipe recipe) : RecipeStage(recipe)
{
    public override string Name => "map";

    public override int Version => 1;

    public override IReadOnlyList<string> Upstream => ["tokenize"];

    public override StageDeclaration Declare() => new(
        new JsonObject
        {
            ["data"] = Section(Recipe.Data, "path"),
            ["max_seq_length"] = Recipe.Train.MaxSeqLength,
        },
        DatasetFiles().Concat(TemplateFile()).ToDictionary(f => f.Label, f => f.Path));

    public override void Run(StageRun run) => throw NotImplementedYet();
}
