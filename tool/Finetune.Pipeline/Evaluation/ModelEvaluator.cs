using System.Text.RegularExpressions;
using Finetune.Recipes;
using Finetune.Text.Tokenizers;
using Finetune.Torch.Inference;
using Finetune.Torch.Models;
using Finetune.Torch.Seeding;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Pipeline.Evaluation;

/// <summary>
/// Measures one model: teacher-forced loss and new-token ranks on the test shard, the probe probabilities,
/// and generation on the evaluation prompts with each completion checked.
/// </summary>
public sealed class ModelEvaluator
{
    private readonly HfTokenizer _tokenizer;
    private readonly EvaluateSection _settings;
    private readonly IReadOnlyList<(string Token, int Id)> _newTokens;
    private readonly IReadOnlyList<TagPair> _tags;
    private readonly Regex? _format;
    private readonly HashSet<int> _eos;

    private readonly string? _assistantHeader;

    /// <param name="assistantHeader">
    /// when generation starts after the user turn: the generation prompt the model has to write first (the
    /// checks judge the text after it; a completion that does not start with it is judged whole)
    /// </param>
    public ModelEvaluator(HfTokenizer tokenizer, EvaluateSection settings, IReadOnlyList<(string Token, int Id)> newTokens, string? assistantHeader = null)
    {
        _assistantHeader = string.IsNullOrEmpty(assistantHeader) ? null : assistantHeader;
        _tokenizer = tokenizer;
        _settings = settings;
        _newTokens = newTokens;
        _tags = TagPair.FromTokens(newTokens.Select(t => t.Token));
        _format = settings.FormatRegex();
        _eos = tokenizer.EosIds.ToHashSet();
    }

    /// <param name="answered">hears (answers generated, prompts) after each answer</param>
    /// <param name="cancellation">Ctrl-C: checked before each test row and each generated token</param>
    public ModelScores Evaluate(CausalLM model, TokenShard testShard, IReadOnlyList<int>? probeIds, IReadOnlyList<EvalPrompt> prompts, Action<int, int> answered,
        CancellationToken cancellation = default)
    {
        var tally = new TeacherForcedTally(_newTokens);
        ShardScoring.Score(model, testShard, tally, cancellation);
        var probe = probeIds is null ? null : NextTokenProbe.Probabilities(model, probeIds, _newTokens.Select(t => t.Id).ToList());
        var answers = new List<GeneratedAnswer>();
        foreach (var prompt in prompts)
        {
            answers.Add(Answer(model, prompt, cancellation));
            answered(answers.Count, prompts.Count);
        }
        return new ModelScores(tally.MeanLoss, tally.Perplexity, tally.Tokens, tally.TokenScores(), probe, answers);
    }

    /// <summary>The assistant's text of a completion: without the assistant header it had to write (after_user_turn).</summary>
    public string AssistantText(string completion) =>
        _assistantHeader is not null && completion.StartsWith(_assistantHeader, StringComparison.Ordinal) ? completion[_assistantHeader.Length..] : completion;

    /// <summary>
    /// Generates until an end-of-turn id or max_new_tokens. The completion text keeps every token but the
    /// final end-of-turn one (added tokens are decoded even when they are special), so the checks see
    /// exactly what the model wrote.
    /// </summary>
    public GeneratedAnswer Answer(CausalLM model, EvalPrompt prompt, CancellationToken cancellation = default)
    {
        var ids = Generator.Generate(model, prompt.PromptIds, new GenerationOptions
        {
            MaxNewTokens = _settings.MaxNewTokens,
            Temperature = _settings.Temperature,
            EosTokenIds = _eos,
        }, _ => cancellation.ThrowIfCancellationRequested());
        bool stopped = ids.Count > 0 && _eos.Contains(ids[^1]);
        var text = _tokenizer.Decode(stopped ? ids.Take(ids.Count - 1) : ids);
        return new GeneratedAnswer(prompt, ids, text, CompletionCheck.Of(AssistantText(text), stopped, _format, _tags, prompt.Expected));
    }
}
