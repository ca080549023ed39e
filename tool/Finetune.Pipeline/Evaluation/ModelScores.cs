namespace Finetune.Pipeline.Evaluation;

/// <summary>Everything measured on one model (the seeded base "before", or the trained model "after").</summary>
public sealed record ModelScores(
    double? EvalLoss,
    double? Perplexity,
    long EvalTokens,
    IReadOnlyList<TokenScore> NewTokens,
    IReadOnlyList<double>? Probe,
    IReadOnlyList<GeneratedAnswer> Answers)
{
    /// <summary>Share of completions matching expect_format; null without a format or without completions.</summary>
    public double? FormatCompliance => Fraction(a => a.Check.FormatOk);

    /// <summary>Share of completions whose tags nest properly; null when the added tokens hold no tag pair.</summary>
    public double? TagBalance => Fraction(a => a.Check.TagsBalanced);

    /// <summary>Share of completions that ended with an end-of-turn token within max_new_tokens.</summary>
    public double? StopWithinBudget => Fraction(a => a.Check.StoppedInBudget);

    /// <summary>Share of completions with an expected answer whose &lt;answer&gt; text equals it; null when none has one.</summary>
    public double? AnswerExactMatch => Fraction(a => a.Check.AnswerMatches);

    /// <summary>The fraction of true among the non-null values; null when every value is null.</summary>
    private double? Fraction(Func<GeneratedAnswer, bool?> flag)
    {
        var known = Answers.Select(flag).Where(f => f.HasValue).Select(f => f!.Value).ToList();
        return known.Count == 0 ? null : (double)known.Count(f => f) / known.Count;
    }
}
