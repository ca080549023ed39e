using System.Text.Json.Nodes;

namespace Finetune.Pipeline;

/// <summary>
/// What a stage reads: its recipe parameters after defaults, and external files by role label
/// (e.g. <c>"model/tokenizer.json"</c> → full path). Labels, not paths, enter the key.
/// </summary>
public sealed record StageDeclaration(JsonObject Params, IReadOnlyDictionary<string, string> Files)
{
    public static StageDeclaration Of(JsonObject parameters, params (string Label, string Path)[] files) =>
        new(parameters, files.ToDictionary(f => f.Label, f => f.Path, StringComparer.Ordinal));
}
