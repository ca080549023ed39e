using System.Text.Json.Serialization;
using Finetune.Recipes;

namespace Finetune.Pipeline.Stages;

/// <summary>What the resize stage reads: the padding multiple and the base model's config (rows, tied head).</summary>
public sealed record ResizeInput : StageInput
{
    [JsonPropertyName("tokens.pad_to_multiple_of")] public required int? PadToMultipleOf { get; init; }

    [JsonIgnore] public required string ModelPath { get; init; }

    public static ResizeInput From(Recipe recipe) => new()
    {
        PadToMultipleOf = recipe.Tokens.PadToMultipleOf,
        ModelPath = recipe.ResolvePath(recipe.Model.Path),
    };

    public override IReadOnlyDictionary<string, string> Files() => Labelled(ModelFiles.Config(ModelPath));
}
