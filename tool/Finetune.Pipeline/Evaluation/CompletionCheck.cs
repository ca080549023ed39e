using System.Text.RegularExpressions;

namespace Finetune.Pipeline.Evaluation;

/// <summary>
/// What one generated completion is judged on. <see cref="FormatOk"/> is null without an expect_format,
/// <see cref="TagsBalanced"/> null when the added tokens hold no tag pair or the text uses none of their tags, <see cref="AnswerMatches"/> null
/// without an expected answer.
/// </summary>
public sealed record CompletionCheck(bool? FormatOk, bool? TagsBalanced, bool StoppedInBudget, string? Answer, bool? AnswerMatches)
{
    /// <param name="text">the completion as decoded, without its final end-of-turn token</param>
    /// <param name="stopped">whether generation ended on an end-of-turn token within max_new_tokens</param>
    public static CompletionCheck Of(string text, bool stopped, Regex? format, IReadOnlyList<TagPair> tags, string? expected)
    {
        var answer = AnswerText.Extract(text);
        return new CompletionCheck(
            format?.IsMatch(text),
            tags.Count == 0 || !TagBalance.UsesTags(text, tags) ? null : TagBalance.IsBalanced(text, tags),
            stopped,
            answer,
            expected is null ? null : AnswerText.Matches(answer, expected));
    }
}
