using System.Text.Json.Serialization;
using Finetune.Recipes;

namespace Finetune.Pipeline.Stages;

/// <summary>
/// What the evaluate stage reads: <c>evaluate:</c>, the recipe name (report title), the new tokens, the probe
/// (report), the messages (which column is the expected answer), the chat template, the device, the base model.
/// </summary>
public sealed record EvaluateInput : StageInput
{
    [JsonPropertyName("name")] public required string Name { get; init; }

    [JsonPropertyName("tokens.add")] public required IReadOnlyList<string> Add { get; init; }

    [JsonPropertyName("seed.probe")] public required string? Probe { get; init; }

    [JsonPropertyName("data.messages")] public required IReadOnlyList<MessageTemplate>? Messages { get; init; }

    [JsonPropertyName("data.chat_template")] public required string ChatTemplate { get; init; }

    [JsonPropertyName("data.template_vars")] public required IReadOnlyDictionary<string, string> TemplateVars { get; init; }

    [JsonPropertyName("evaluate")] public required EvaluateSection Evaluate { get; init; }

    [JsonPropertyName("model.device")] public required ModelDevice Device { get; init; }

    [JsonIgnore] public required string? TemplateFile { get; init; }

    [JsonIgnore] public required string ModelPath { get; init; }

    public static EvaluateInput From(Recipe recipe) => new()
    {
        Name = recipe.Name,
        Add = recipe.Tokens.Add,
        Probe = recipe.Seed.Probe,
        Messages = recipe.Data.Messages,
        ChatTemplate = RecipeFiles.TemplateChoice(recipe),
        TemplateVars = recipe.Data.TemplateVars,
        Evaluate = recipe.Evaluate,
        Device = recipe.Model.Device,
        TemplateFile = RecipeFiles.TemplateFile(recipe),
        ModelPath = recipe.ResolvePath(recipe.Model.Path),
    };

    public override IReadOnlyDictionary<string, string> Files() => Labelled(
        ModelFiles.Config(ModelPath).Concat(ModelFiles.Weights(ModelPath)).Concat(RecipeFiles.Template(TemplateFile)));
}
