namespace Finetune.Pipeline.Evaluation;

/// <summary>
/// A prompt the models answer: from <c>evaluate.prompts</c> (<see cref="Source"/> "prompt", no expected
/// answer) or a test row ("test", expected answer when the recipe's answer column is known).
/// </summary>
public sealed record EvalPrompt(string Source, string Question, IReadOnlyList<int> PromptIds, string? Expected);
