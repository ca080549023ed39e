using System.Text.Json.Serialization;
using Finetune.Recipes;

namespace Finetune.Pipeline.Stages;

/// <summary>What the tokenize stage reads: the tokens to add, the seed tokens it checks, the probe it encodes, the base tokenizer files.</summary>
public sealed record TokenizeInput : StageInput
{
    [JsonPropertyName("tokens.add")] public required IReadOnlyList<string> Add { get; init; }

    [JsonPropertyName("tokens.special")] public required bool Special { get; init; }

    [JsonPropertyName("tokens.pad_token")] public required string? PadToken { get; init; }

    /// <summary>Checked to be one base token (the token contract).</summary>
    [JsonPropertyName("seed.from")] public required string? SeedFrom { get; init; }

    [JsonPropertyName("seed.overrides")] public required IReadOnlyDictionary<string, string> SeedOverrides { get; init; }

    /// <summary>Encoded before and after in the report.</summary>
    [JsonPropertyName("seed.probe")] public required string? Probe { get; init; }

    [JsonIgnore] public required string ModelPath { get; init; }

    public static TokenizeInput From(Recipe recipe) => new()
    {
        Add = recipe.Tokens.Add,
        Special = recipe.Tokens.Special,
        PadToken = recipe.Tokens.PadToken,
        SeedFrom = recipe.Seed.From,
        SeedOverrides = recipe.Seed.Overrides,
        Probe = recipe.Seed.Probe,
        ModelPath = recipe.ResolvePath(recipe.Model.Path),
    };

    public override IReadOnlyDictionary<string, string> Files() => Labelled(ModelFiles.Tokenizer(ModelPath));
}
