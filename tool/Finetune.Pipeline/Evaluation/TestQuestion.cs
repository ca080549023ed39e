using System.Text.Json.Nodes;

namespace Finetune.Pipeline.Evaluation;

/// <summary>
/// One row of the map stage's <c>test_rows.jsonl</c> as evaluation uses it: the user's question (first
/// user message), the rendered prompt and its ids (everything before the first assistant message, with
/// the generation prompt), and the row's original columns.
/// </summary>
public sealed record TestQuestion(int Index, string Question, string Prompt, IReadOnlyList<int> PromptIds, JsonObject Columns)
{
    /// <summary>A column's value as text (strings as they are, other JSON values as JSON); null when absent.</summary>
    public string? Column(string name) => Columns[name] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        var other => other.ToJsonString(),
    };
}
