namespace Finetune.Pipeline.Evaluation;

/// <summary>One model's completion of an <see cref="EvalPrompt"/>: the generated ids, the decoded text and its checks.</summary>
public sealed record GeneratedAnswer(EvalPrompt Prompt, IReadOnlyList<int> Ids, string Completion, CompletionCheck Check);
