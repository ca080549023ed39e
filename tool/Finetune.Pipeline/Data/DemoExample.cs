namespace Finetune.Pipeline.Data;

/// <summary>One demo row in the original recipe's schema: a question, its worked reasoning and the answer.</summary>
public sealed record DemoExample(string Instruction, string Reasoning, string Output);
