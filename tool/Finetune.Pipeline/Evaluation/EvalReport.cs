using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Finetune.Pipeline.Evaluation;

/// <summary><c>report.md</c>: before/after tables, the loss plot, new-token and probe tables, and sample outputs side by side.</summary>
public static partial class EvalReport
{
    /// <summary>How many samples the report shows (all free prompts come first, then test questions).</summary>
    public const int SampleCount = 4;

    /// <param name="probe">the seed stage's probe.json; null when the recipe has no seed.probe</param>
    /// <param name="placement">where the evaluation's prompts (and its probe) end: evaluate.placement</param>
    public static string Render(string recipeName, ModelScores before, ModelScores after, SeedProbe? probe, string plotFile,
        string placement = "after_generation_prompt")
    {
        var md = new StringBuilder();
        md.Append($"# Evaluation: {recipeName}\n\n");
        md.Append("*Before*: the base model with the new rows seeded. *After*: the trained model. ");
        md.Append("Loss is on the test split's loss tokens; generation metrics are over ");
        md.Append($"{before.Answers.Count} prompts (evaluate.prompts, then the first test questions).\n\n");

        md.Append("| metric | before | after |\n| --- | ---: | ---: |\n");
        Row(md, "eval loss", Number(before.EvalLoss), Number(after.EvalLoss));
        Row(md, "perplexity", Number(before.Perplexity), Number(after.Perplexity));
        Row(md, "format compliance", Percent(before.FormatCompliance), Percent(after.FormatCompliance));
        Row(md, "tag balance", Percent(before.TagBalance), Percent(after.TagBalance));
        Row(md, "stop within budget", Percent(before.StopWithinBudget), Percent(after.StopWithinBudget));
        Row(md, "answer exact match", Percent(before.AnswerExactMatch), Percent(after.AnswerExactMatch));
        md.Append('\n');

        md.Append($"## Loss\n\n![loss]({plotFile})\n\n");

        md.Append("## New tokens\n\nTeacher-forced on the test split, where the token is the gold next token. ");
        md.Append("Accuracy: share of those positions where it is strictly the top logit; rank 1 = top, ties count against it.\n\n");
        md.Append("| token | count | accuracy before | accuracy after | mean rank before | mean rank after |\n| --- | ---: | ---: | ---: | ---: | ---: |\n");
        foreach (var (b, a) in before.NewTokens.Zip(after.NewTokens))
            Row(md, Code(b.Token), b.Count.ToString(CultureInfo.InvariantCulture), Percent(b.Accuracy), Percent(a.Accuracy), Number(b.MeanRank), Number(a.MeanRank));
        md.Append('\n');

        if (probe is not null) SeedProbeTables(md, probe);

        if (probe is not null && before.Probe is not null && after.Probe is not null)
        {
            md.Append($"## Probe through training\n\nP(token) as the next token after the chat-templated prompt \"{Cell(probe.Prompt)}\", ");
            md.Append($"ending {placement}; *before* is the seeded base.\n\n");
            md.Append("| token | before | after |\n| --- | ---: | ---: |\n");
            for (int i = 0; i < before.NewTokens.Count; i++)
                Row(md, Code(before.NewTokens[i].Token), Probability(before.Probe[i]), Probability(after.Probe[i]));
            md.Append('\n');
        }

        md.Append("## Samples\n\n");
        var shown = before.Answers.Zip(after.Answers).Take(SampleCount).ToList();
        if (shown.Count == 0) md.Append("No prompts were answered (evaluate.prompts is empty and test_questions is 0).\n");
        foreach (var (b, a) in shown)
        {
            md.Append($"**{Cell(b.Prompt.Question)}**");
            if (b.Prompt.Expected is not null) md.Append($" (expected: {Cell(b.Prompt.Expected)})");
            md.Append("\n\n| before | after |\n| --- | --- |\n");
            Row(md, Cell(b.Completion) + Flags(b.Check), Cell(a.Completion) + Flags(a.Check));
            md.Append('\n');
        }
        return md.ToString();
    }

    /// <summary>
    /// probe.json as tables, one per position: P(token) before and after seeding and, for copy seeding on a tied
    /// model, the expected p / (1 + n p) beside the measured value.
    /// </summary>
    private static void SeedProbeTables(StringBuilder md, SeedProbe probe)
    {
        md.Append($"## Seed probe\n\nP(token) as the next token after the chat-templated prompt \"{Cell(probe.Prompt)}\", ");
        md.Append($"before and after seeding (`{probe.Strategy}`");
        if (probe.Reference is not null) md.Append($" from {Code(probe.Reference)}");
        md.Append(probe.Tied ? ", tied head" : ", untied head").Append(").");
        bool anyExpected = probe.Positions.Any(p => probe.Expected(p).Count > 0);
        if (anyExpected)
            md.Append(" Expected: the reference and its n copies share one logit, so each gets p / (1 + n p), p = P(reference) before seeding.");
        md.Append("\n\n");
        foreach (var position in probe.Positions)
        {
            var expected = probe.Expected(position);
            md.Append($"**{position.Name}**\n\n| token | before seeding | after seeding |{(anyExpected ? " expected after |" : "")}\n");
            md.Append($"| --- | ---: | ---: |{(anyExpected ? " ---: |" : "")}\n");
            foreach (var (token, b, a) in position.Probabilities)
            {
                var cells = new List<string> { Code(token), Probability(b), Probability(a) };
                if (anyExpected) cells.Add(expected.TryGetValue(token, out var e) ? Probability(e) : "");
                Row(md, [.. cells]);
            }
            md.Append('\n');
        }
    }

    private static void Row(StringBuilder md, params string[] cells) => md.Append("| ").AppendJoin(" | ", cells).Append(" |\n");

    private static string Flags(CompletionCheck check)
    {
        var flags = new List<string>();
        if (check.FormatOk is bool f) flags.Add(f ? "format ok" : "format wrong");
        if (!check.StoppedInBudget) flags.Add("no stop");
        if (check.AnswerMatches is bool m) flags.Add(m ? "answer right" : "answer wrong");
        return flags.Count == 0 ? "" : $"<br>*({string.Join(", ", flags)})*";
    }

    /// <summary>Completions longer than this are cut in the report (samples.jsonl keeps them whole).</summary>
    public const int MaxCellCharacters = 400;

    /// <summary>
    /// Text safe inside a table cell: HTML-escaped (so &lt;think&gt; shows as text), pipes escaped, a newline as
    /// &lt;br&gt; and a run of three or more as one marker, cut after <see cref="MaxCellCharacters"/>.
    /// </summary>
    public static string Cell(string text)
    {
        if (text.Length == 0) return "*(empty)*";
        if (string.IsNullOrWhiteSpace(text)) return $"*(whitespace only: {text.Length} characters)*";
        var shown = Escape(text.Length > MaxCellCharacters ? text[..MaxCellCharacters] : text).Replace("\r\n", "\n", StringComparison.Ordinal);
        if (text.Length > MaxCellCharacters) shown += "…";
        shown = NewlineRun().Replace(shown, m => $" *({m.Length} line breaks)* ");
        return shown.Replace("\n", "<br>", StringComparison.Ordinal);
    }

    /// <summary>&amp;, &lt;, &gt; as entities (tags show as text, other characters stay as they are) and pipes escaped for tables.</summary>
    private static string Escape(string text) => text
        .Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal);

    [GeneratedRegex("\n{3,}")]
    private static partial Regex NewlineRun();

    private static string Code(string token) => $"`{token}`";

    private static string Number(double? value) => value is double v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "n/a";

    private static string Percent(double? value) => value is double v ? (100 * v).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "n/a";

    private static string Probability(double value) => value.ToString("0.000000", CultureInfo.InvariantCulture);
}
