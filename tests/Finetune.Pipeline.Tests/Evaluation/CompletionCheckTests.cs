using Finetune.Pipeline.Evaluation;
using Finetune.Recipes;

namespace Finetune.Pipeline.Tests.Evaluation;

public sealed class CompletionCheckTests
{
    private static readonly TagPair[] ThinkAnswer = [new("<think>", "</think>"), new("<answer>", "</answer>")];

    [Theory]
    [InlineData("<think>a</think><answer>b</answer>", true)]
    [InlineData("  <think>two\nlines</think><answer>42</answer>\n", true)]      // surrounding whitespace, '.' spans newlines
    [InlineData("<think>a</think><answer></answer>", false)]                    // '.+' needs an answer
    [InlineData("<think>a</think> <answer>b</answer>", false)]                  // nothing between the parts
    [InlineData("Sure! <think>a</think><answer>b</answer>", false)]             // anchored: no preamble
    [InlineData("<think>a</think><answer>b</answer> and more", false)]          // anchored: no tail
    [InlineData("<think>a<answer>b</answer>", false)]
    [InlineData("The answer is 5.", false)]
    public void Default_expect_format_matches_the_whole_completion(string text, bool expected) =>
        Assert.Equal(expected, new EvaluateSection().FormatRegex()!.IsMatch(text));

    [Theory]
    [InlineData("", true)]
    [InlineData("no tags at all", true)]
    [InlineData("<think>a</think><answer>b</answer>", true)]
    [InlineData("<answer><think>x</think>y</answer>", true)]                    // nested properly
    [InlineData("<think>a", false)]                                             // never closed
    [InlineData("a</think>", false)]                                            // closed without opening
    [InlineData("</think><think>", false)]                                      // wrong order
    [InlineData("<think><answer></think></answer>", false)]                     // crossed
    [InlineData("<think>a</think></think>", false)]
    [InlineData("<think>a</think><think>b</think>", true)]
    public void Tag_balance_needs_every_open_tag_closed_in_order(string text, bool expected) =>
        Assert.Equal(expected, TagBalance.IsBalanced(text, ThinkAnswer));

    [Theory]
    [InlineData("The answer is 5.", null)]                                      // no tag: not counted in tag balance
    [InlineData("", null)]
    [InlineData("<think>a</think><answer>5</answer>", true)]
    [InlineData("<think>a</think> 5", true)]
    [InlineData("<think>a and 5", false)]
    public void Tag_balance_counts_only_completions_that_use_tags(string text, bool? expected) =>
        Assert.Equal(expected, CompletionCheck.Of(text, true, null, ThinkAnswer, null).TagsBalanced);

    [Fact]
    public void Tag_pairs_come_from_added_tokens_that_have_a_closing_partner()
    {
        var pairs = TagPair.FromTokens(["<think>", "</think>", "<answer>", "</answer>", "<tool>", "<|x|>"]);
        Assert.Equal(ThinkAnswer, pairs);
    }

    [Theory]
    [InlineData("<think>x</think><answer> 42 \n</answer>", "42")]
    [InlineData("<answer>first</answer><answer>second</answer>", "first")]
    [InlineData("<answer>\tspaced out\t</answer>", "spaced out")]
    [InlineData("<answer>never closed", null)]
    [InlineData("no answer", null)]
    [InlineData("<answer></answer>", "")]
    public void Answer_text_is_the_trimmed_inside_of_the_first_answer_tags(string completion, string? expected) =>
        Assert.Equal(expected, AnswerText.Extract(completion));

    [Fact]
    public void Exact_match_trims_both_sides_and_is_case_sensitive()
    {
        Assert.True(AnswerText.Matches(" 14", "14 \n"));
        Assert.False(AnswerText.Matches("Fourteen", "fourteen"));
        Assert.False(AnswerText.Matches(null, "14"));
    }

    [Theory]
    [InlineData("<think>{{ reasoning }}</think><answer>{{ output }}</answer>", "output")]
    [InlineData("<think>{{reasoning}}</think><answer>{{- answer -}}</answer>", "answer")]
    [InlineData("<think>{{ reasoning }}</think><answer>The answer is {{ output }}</answer>", null)]  // not the whole answer
    [InlineData("{{ output }}", null)]                                                            // no answer tags
    public void Expected_column_is_the_single_expression_inside_the_assistant_answer_tags(string assistant, string? column)
    {
        MessageTemplate[] messages = [new() { Role = "user", Content = "{{ instruction }}" }, new() { Role = "assistant", Content = assistant }];
        Assert.Equal(column, AnswerText.ExpectedColumn(messages));
    }

    [Fact]
    public void A_completion_is_checked_on_format_tags_stop_and_answer()
    {
        var check = CompletionCheck.Of("<think>4 plus 3</think><answer> 7</answer>", stopped: true, new EvaluateSection().FormatRegex(), ThinkAnswer, "7");
        Assert.Equal(new CompletionCheck(true, true, true, "7", true), check);

        var unformatted = CompletionCheck.Of("<think>4 plus 3", stopped: false, null, [], null);
        Assert.Equal(new CompletionCheck(null, null, false, null, null), unformatted);
    }
}
