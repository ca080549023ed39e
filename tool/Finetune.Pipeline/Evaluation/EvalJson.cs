using System.Text.Json.Nodes;

namespace Finetune.Pipeline.Evaluation;

/// <summary>
/// <c>eval.json</c> and <c>samples.jsonl</c>: every key of eval.json is an object <c>{"before": ..., "after": ...}</c>
/// (before = the seeded base model, after = the trained model). The keys are documented in recipes/EVAL.md.
/// </summary>
public static class EvalJson
{
    public static readonly IReadOnlyList<string> Keys =
    [
        "eval_loss", "perplexity", "eval_tokens", "format_compliance", "tag_balance", "stop_within_budget",
        "answer_exact_match", "new_token_accuracy", "probe",
    ];

    public static JsonObject Build(ModelScores before, ModelScores after) => new()
    {
        ["eval_loss"] = Pair(before, after, s => s.EvalLoss),
        ["perplexity"] = Pair(before, after, s => s.Perplexity),
        ["eval_tokens"] = Pair(before, after, s => s.EvalTokens),
        ["format_compliance"] = Pair(before, after, s => s.FormatCompliance),
        ["tag_balance"] = Pair(before, after, s => s.TagBalance),
        ["stop_within_budget"] = Pair(before, after, s => s.StopWithinBudget),
        ["answer_exact_match"] = Pair(before, after, s => s.AnswerExactMatch),
        ["new_token_accuracy"] = Pair(before, after, NewTokens),
        ["probe"] = Pair(before, after, Probe),
    };

    /// <summary>One line of samples.jsonl per prompt: the prompt, the expected answer and both models' completions with their checks.</summary>
    public static IEnumerable<JsonObject> Samples(ModelScores before, ModelScores after) =>
        before.Answers.Zip(after.Answers, (b, a) => new JsonObject
        {
            ["source"] = b.Prompt.Source,
            ["prompt"] = b.Prompt.Question,
            ["expected"] = b.Prompt.Expected,
            ["before"] = Sample(b),
            ["after"] = Sample(a),
        });

    private static JsonObject Sample(GeneratedAnswer answer) => new()
    {
        ["completion"] = answer.Completion,
        ["tokens"] = answer.Ids.Count,
        ["format_ok"] = answer.Check.FormatOk,
        ["tags_balanced"] = answer.Check.TagsBalanced,
        ["stopped"] = answer.Check.StoppedInBudget,
        ["answer"] = answer.Check.Answer,
        ["answer_matches"] = answer.Check.AnswerMatches,
    };

    private static JsonObject Pair(ModelScores before, ModelScores after, Func<ModelScores, JsonNode?> value) =>
        new() { ["before"] = value(before), ["after"] = value(after) };

    private static JsonObject NewTokens(ModelScores scores) => new(scores.NewTokens.Select(t =>
        KeyValuePair.Create(t.Token, (JsonNode?)new JsonObject { ["accuracy"] = t.Accuracy, ["mean_rank"] = t.MeanRank, ["count"] = t.Count })));

    private static JsonObject? Probe(ModelScores scores) => scores.Probe is null ? null
        : new(scores.NewTokens.Zip(scores.Probe, (t, p) => KeyValuePair.Create(t.Token, (JsonNode?)p)));
}
