namespace Finetune.Text.Tokenizers;

/// <summary>Everything a loaded tokenizer is made of; <see cref="HfTokenizer"/> is a view over one of these.</summary>
internal sealed record TokenizerParts
{
    public required string Source { get; init; }
    public required ITokenModel Model { get; init; }
    public required TextNormalizer Normalizer { get; init; }
    public required TokenDecoder Decoder { get; init; }
    public required IReadOnlyList<AddedTokenInfo> AddedTokens { get; init; }
    /// <summary>Ids the post-processor puts before and after a single sequence (BOS, EOS).</summary>
    public required IReadOnlyList<int> Prefix { get; init; }
    public required IReadOnlyList<int> Suffix { get; init; }
    public string? BosToken { get; init; }
    public string? EosToken { get; init; }
    public string? PadToken { get; init; }
    public string? ChatTemplate { get; init; }
    /// <summary>End-of-sequence ids from the model folder's generation_config.json (Llama 3 lists three).</summary>
    public IReadOnlyList<int> GenerationEosIds { get; init; } = [];
    /// <summary>Whether the family wants added tokens written with normalized=false (SentencePiece legacy prepend).</summary>
    public required bool AddUnnormalized { get; init; }
    /// <summary>The original tokenizer.json bytes and tokenizer_config.json text, kept for a byte-faithful save.</summary>
    public byte[]? TokenizerJson { get; init; }
    public string? ConfigJson { get; init; }
    /// <summary>The vocabulary of a GGUF-loaded tokenizer, from which saving writes tokenizer.json (null otherwise).</summary>
    public GgufVocab? Gguf { get; init; }
    /// <summary>Tokens appended by <see cref="HfTokenizer.WithAddedTokens(IEnumerable{string}, bool)"/> since loading.</summary>
    public IReadOnlyList<AddedTokenInfo> NewTokens { get; init; } = [];
}
