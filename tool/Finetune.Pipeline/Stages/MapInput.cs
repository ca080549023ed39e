using System.Text.Json.Serialization;
using Finetune.Recipes;

namespace Finetune.Pipeline.Stages;

/// <summary>What the map stage reads: <c>data:</c> (its files by content, not its path), the sequence limit, the chat template.</summary>
public sealed record MapInput : StageInput
{
    [JsonPropertyName("data.take")] public required int? Take { get; init; }

    [JsonPropertyName("data.test_fraction")] public required double TestFraction { get; init; }

    [JsonPropertyName("data.shuffle_seed")] public required int ShuffleSeed { get; init; }

    [JsonPropertyName("data.messages")] public required IReadOnlyList<MessageTemplate>? Messages { get; init; }

    [JsonPropertyName("data.chat_template")] public required string ChatTemplate { get; init; }

    [JsonPropertyName("data.template_vars")] public required IReadOnlyDictionary<string, string> TemplateVars { get; init; }

    [JsonPropertyName("data.loss_on")] public required LossOn LossOn { get; init; }

    [JsonPropertyName("data.on_bad_row")] public required BadRowPolicy OnBadRow { get; init; }

    [JsonPropertyName("train.max_seq_length")] public required int MaxSeqLength { get; init; }

    /// <summary>The dataset file or folder; null when the recipe has no <c>data</c> section.</summary>
    [JsonIgnore] public required string? DataPath { get; init; }

    [JsonIgnore] public required string? TemplateFile { get; init; }

    /// <summary>The recipe file, for messages only.</summary>
    [JsonIgnore] public required string RecipePath { get; init; }

    public static MapInput From(Recipe recipe) => new()
    {
        Take = recipe.Data.Take,
        TestFraction = recipe.Data.TestFraction,
        ShuffleSeed = recipe.Data.ShuffleSeed,
        Messages = recipe.Data.Messages,
        ChatTemplate = RecipeFiles.TemplateChoice(recipe),
        TemplateVars = recipe.Data.TemplateVars,
        LossOn = recipe.Data.LossOn,
        OnBadRow = recipe.Data.OnBadRow,
        MaxSeqLength = recipe.Train.MaxSeqLength,
        DataPath = recipe.Data.Path is { } path ? recipe.ResolvePath(path) : null,
        TemplateFile = RecipeFiles.TemplateFile(recipe),
        RecipePath = recipe.SourcePath,
    };

    public override IReadOnlyDictionary<string, string> Files() => Labelled(RecipeFiles.Dataset(DataPath).Concat(RecipeFiles.Template(TemplateFile)));
}
