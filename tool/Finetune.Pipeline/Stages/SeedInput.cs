using System.Text.Json.Serialization;
using Finetune.Recipes;

namespace Finetune.Pipeline.Stages;

/// <summary>What the seed stage reads: <c>seed:</c>, the new tokens, the chat template the probe is rendered with, the base model.</summary>
public sealed record SeedInput : StageInput
{
    [JsonPropertyName("tokens.add")] public required IReadOnlyList<string> Add { get; init; }

    [JsonPropertyName("seed.strategy")] public required SeedStrategy Strategy { get; init; }

    [JsonPropertyName("seed.from")] public required string? CopyFrom { get; init; }

    [JsonPropertyName("seed.overrides")] public required IReadOnlyDictionary<string, string> Overrides { get; init; }

    [JsonPropertyName("seed.rows")] public required IReadOnlyList<SeedMatrix> Rows { get; init; }

    [JsonPropertyName("seed.probe")] public required string? Probe { get; init; }

    [JsonPropertyName("seed.random_seed")] public required int RandomSeed { get; init; }

    [JsonPropertyName("data.chat_template")] public required string ChatTemplate { get; init; }

    [JsonPropertyName("data.template_vars")] public required IReadOnlyDictionary<string, string> TemplateVars { get; init; }

    [JsonIgnore] public required string? TemplateFile { get; init; }

    [JsonIgnore] public required string ModelPath { get; init; }

    /// <summary>The recipe file, for messages only.</summary>
    [JsonIgnore] public required string RecipePath { get; init; }

    public static SeedInput From(Recipe recipe) => new()
    {
        Add = recipe.Tokens.Add,
        Strategy = recipe.Seed.Strategy,
        CopyFrom = recipe.Seed.From,
        Overrides = recipe.Seed.Overrides,
        Rows = recipe.Seed.Rows,
        Probe = recipe.Seed.Probe,
        RandomSeed = recipe.Seed.RandomSeed,
        ChatTemplate = RecipeFiles.TemplateChoice(recipe),
        TemplateVars = recipe.Data.TemplateVars,
        TemplateFile = RecipeFiles.TemplateFile(recipe),
        ModelPath = recipe.ResolvePath(recipe.Model.Path),
        RecipePath = recipe.SourcePath,
    };

    public override IReadOnlyDictionary<string, string> Files() => Labelled(
        ModelFiles.Config(ModelPath).Concat(ModelFiles.Weights(ModelPath)).Concat(ModelFiles.Tokenizer(ModelPath)).Concat(RecipeFiles.Template(TemplateFile)));
}
