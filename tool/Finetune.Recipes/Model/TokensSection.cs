using System.ComponentModel;

namespace Finetune.Recipes;

/// <summary><c>tokens:</c> tokens added to the tokenizer and the embedding.</summary>
public sealed record TokensSection
{
    /// <summary>New tokens, in id order after the existing vocabulary.</summary>
    [Description("Tokens to add, in the order they get ids after the existing vocabulary. Non-empty, no whitespace-only entries, no duplicates.")]
    public IReadOnlyList<string> Add { get; init; } = [];

    /// <summary>What happens to a token in <see cref="Add"/> that the tokenizer already has.</summary>
    [Description("A token in `add` that the tokenizer already has: error (the default; validate names it and its id) or reuse (keep its id, add no row, seed nothing for it, e.g. Qwen3's <think> and </think>).")]
    public TokenIfExists IfExists { get; init; } = TokenIfExists.Error;

    /// <summary>Whether the new tokens are special (skipped when decoding with skip_special_tokens).</summary>
    [Description("false: normal added tokens (as the original job); true: special tokens.")]
    public bool Special { get; init; }

    /// <summary>Padding token; null uses the tokenizer's own pad token, else its end-of-sequence token.</summary>
    [Description("Padding token (an existing or added token). null: the tokenizer's pad token, else its end-of-sequence token.")]
    public string? PadToken { get; init; }

    /// <summary>Embedding rows are padded to a multiple of this; the padding rows are never tokens.</summary>
    [RecipeRange(Min = 1)]
    [Description("Pad the embedding row count to a multiple of this (e.g. 64); padding rows are never exposed as tokens. null: no padding.")]
    public int? PadToMultipleOf { get; init; }
}
