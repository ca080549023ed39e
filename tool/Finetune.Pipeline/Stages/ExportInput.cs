using System.Text.Json.Serialization;
using Finetune.Pipeline.Publishing;
using Finetune.Recipes;

namespace Finetune.Pipeline.Stages;

/// <summary>
/// What the export stage reads: <c>export:</c> but its path (a place, used only by publishing), the chat template
/// written into tokenizer_config.json, the parity prompt, the base config (generation_config.json).
/// </summary>
public sealed record ExportInput : StageInput
{
    [JsonPropertyName("export.format")] public required ExportFormat Format { get; init; }

    [JsonPropertyName("export.dtype")] public required ModelDtype Dtype { get; init; }

    [JsonPropertyName("export.max_shard_size")] public required ByteSize MaxShardSize { get; init; }

    /// <summary><c>export.gguf.type</c>; null (and then absent from the key) when no .gguf is written.</summary>
    [JsonPropertyName("export.gguf.type")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public required GgufTensorType? GgufType { get; init; }

    /// <summary>The recipe's <c>name</c>, which names the .gguf file and its <c>general.name</c>; only with a .gguf.</summary>
    [JsonPropertyName("name")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public required string? GgufName { get; init; }

    [JsonPropertyName("export.adapter")] public required bool Adapter { get; init; }

    [JsonPropertyName("data.chat_template")] public required string ChatTemplate { get; init; }

    [JsonPropertyName("data.template_vars")] public required IReadOnlyDictionary<string, string> TemplateVars { get; init; }

    /// <summary>The prompt the reload parity check runs: <c>seed.probe</c>, else the first of <c>evaluate.prompts</c>, else "Hello".</summary>
    [JsonPropertyName("parity_prompt")] public required string ParityPrompt { get; init; }

    [JsonIgnore] public required string? TemplateFile { get; init; }

    [JsonIgnore] public required string ModelPath { get; init; }

    /// <summary>Where <c>export.path</c> publishes the entry (null: only in the store). Not in the key: a place, not content.</summary>
    [JsonIgnore] public required string? PublishPath { get; init; }

    /// <summary>What publishing must never write over: the recipe's folder and above, the model, the data. Not in the key.</summary>
    [JsonIgnore] public required IReadOnlyList<ProtectedPath> PublishGuard { get; init; }

    /// <summary>The recipe file, for messages only.</summary>
    [JsonIgnore] public required string RecipePath { get; init; }

    public static ExportInput From(Recipe recipe) => new()
    {
        Format = recipe.Export.Format,
        Dtype = recipe.Export.Dtype,
        MaxShardSize = recipe.Export.MaxShardSize,
        GgufType = recipe.Export.Gguf?.Type,
        GgufName = recipe.Export.Gguf is null ? null : recipe.Name,
        Adapter = recipe.Export.Adapter,
        ChatTemplate = RecipeFiles.TemplateChoice(recipe),
        TemplateVars = recipe.Data.TemplateVars,
        ParityPrompt = recipe.Seed.Probe ?? recipe.Evaluate.Prompts.FirstOrDefault() ?? "Hello",
        TemplateFile = RecipeFiles.TemplateFile(recipe),
        ModelPath = recipe.ResolvePath(recipe.Model.Path),
        PublishPath = recipe.Export.Path is { } path ? recipe.ResolvePath(path) : null,
        RecipePath = recipe.SourcePath,
        PublishGuard = Publishing.PublishGuard.ForRecipe(recipe),
    };

    public override IReadOnlyDictionary<string, string> Files() => Labelled(ModelFiles.Config(ModelPath).Concat(RecipeFiles.Template(TemplateFile)));
}
