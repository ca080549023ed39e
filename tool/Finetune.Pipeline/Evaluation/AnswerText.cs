using System.Text.RegularExpressions;
using Finetune.Recipes;

namespace Finetune.Pipeline.Evaluation;

/// <summary>The text between <c>&lt;answer&gt;</c> and <c>&lt;/answer&gt;</c>, and which dataset column holds the expected one.</summary>
public static partial class AnswerText
{
    public const string Open = "<answer>";
    public const string Close = "</answer>";

    /// <summary>The trimmed text inside the first <c>&lt;answer&gt;...&lt;/answer&gt;</c> of a completion; null when there is none.</summary>
    public static string? Extract(string completion)
    {
        int start = completion.IndexOf(Open, StringComparison.Ordinal);
        if (start < 0) return null;
        start += Open.Length;
        int end = completion.IndexOf(Close, start, StringComparison.Ordinal);
        return end < 0 ? null : completion[start..end].Trim();
    }

    /// <summary>
    /// The column whose <c>{{ column }}</c> is the only expression inside <c>&lt;answer&gt;...&lt;/answer&gt;</c> of the
    /// first assistant message of <c>data.messages</c>; null when there is no such single column (then no
    /// expected answer exists and exact match is not measured).
    /// </summary>
    public static string? ExpectedColumn(IReadOnlyList<MessageTemplate>? messages)
    {
        var assistant = messages?.FirstOrDefault(m => m.Role == "assistant");
        if (assistant is null) return null;
        var inside = Extract(assistant.Content);
        if (inside is null) return null;
        var whole = ColumnExpression().Match(inside);
        return whole.Success ? whole.Groups[1].Value : null;
    }

    /// <summary>Whether an extracted answer equals the expected one, both trimmed, ordinal.</summary>
    public static bool Matches(string? answer, string expected) =>
        answer is not null && string.Equals(answer.Trim(), expected.Trim(), StringComparison.Ordinal);

    [GeneratedRegex(@"\A\{\{-?\s*([A-Za-z_][A-Za-z0-9_]*)\s*-?\}\}\z")]
    private static partial Regex ColumnExpression();
}
