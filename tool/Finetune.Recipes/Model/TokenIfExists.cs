namespace Finetune.Recipes;

/// <summary>What <c>tokens.add</c> does with a token the tokenizer already has (<c>tokens.if_exists</c>).</summary>
public enum TokenIfExists
{
    /// <summary>Stop with an error that names the token and its id.</summary>
    Error,

    /// <summary>Use the existing token and its id; it gets no new row and is not seeded (Qwen3's think tokens).</summary>
    Reuse,
}
