namespace Finetune.Text.Building;

/// <summary>
/// What <see cref="TokenizerFiles.WriteLlama3Style"/> writes besides the BPE model: the special tokens (ids follow the
/// BPE vocabulary in this order) and the tokenizer_config.json settings. Defaults are Llama 3.2 Instruct's, plus a pad.
/// </summary>
public sealed record Llama3TokenizerOptions
{
    /// <summary>Special tokens, added after the BPE vocabulary in this order (ids Vocab.Count, Vocab.Count + 1, ...).</summary>
    public IReadOnlyList<string> SpecialTokens { get; init; } = Llama3SpecialTokens.Create(16);

    /// <summary>The token the post-processor puts first, and tokenizer_config's <c>bos_token</c>.</summary>
    public string BosToken { get; init; } = Llama3SpecialTokens.BeginOfText;

    /// <summary>tokenizer_config's <c>eos_token</c> (the chat turn's end, as in Llama 3.2 Instruct).</summary>
    public string EosToken { get; init; } = Llama3SpecialTokens.EndOfTurn;

    /// <summary>tokenizer_config's <c>pad_token</c>; null leaves the key out (as Llama 3.2's own file does).</summary>
    public string? PadToken { get; init; } = Llama3SpecialTokens.FinetuneRightPad;

    /// <summary>tokenizer_config's <c>chat_template</c> (the Jinja text); null leaves the key out.</summary>
    public string? ChatTemplate { get; init; }

    /// <summary>tokenizer_config's <c>model_max_length</c>.</summary>
    public long ModelMaxLength { get; init; } = 131072;

    /// <summary>tokenizer_config's <c>clean_up_tokenization_spaces</c>.</summary>
    public bool CleanUpTokenizationSpaces { get; init; } = true;
}
