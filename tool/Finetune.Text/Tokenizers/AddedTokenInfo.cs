namespace Finetune.Text.Tokenizers;

/// <summary>One entry of tokenizer.json's <c>added_tokens</c>, with the fields transformers writes.</summary>
public sealed record AddedTokenInfo(
    int Id,
    string Content,
    bool SingleWord = false,
    bool Lstrip = false,
    bool Rstrip = false,
    bool Normalized = false,
    bool Special = false);
