namespace Finetune.Text.Tokenizers;

/// <summary>
/// The <c>tokenizer.ggml.*</c> vocabulary a GGUF tokenizer was loaded from, kept so that saving can write it
/// out as a Hugging Face tokenizer.json (<see cref="GgufTokenizerJson"/>).
/// </summary>
internal sealed record GgufVocab
{
    public const int Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Byte = 6;

    /// <summary><c>llama</c> (SentencePiece BPE) or <c>gpt2</c> (byte-level BPE).</summary>
    public required string Model { get; init; }
    public required string[] Tokens { get; init; }
    public required long[] Types { get; init; }
    /// <summary>SentencePiece scores (<c>llama</c> only).</summary>
    public float[]? Scores { get; init; }
    /// <summary>The merge list in rank order (<c>gpt2</c> only).</summary>
    public IReadOnlyList<(string Left, string Right)>? Merges { get; init; }
    /// <summary>The pre-tokenizer's split regex (<c>gpt2</c> only).</summary>
    public string? SplitPattern { get; init; }
    /// <summary>Whether a SentencePiece vocab prepends <c>▁</c> (<c>tokenizer.ggml.add_space_prefix</c>).</summary>
    public bool AddSpacePrefix { get; init; } = true;
    public int? UnkId { get; init; }

    /// <summary>Pieces BPE may produce and merge (control, unknown and byte tokens never take part in a merge).</summary>
    public bool IsMergeable(int id) => Types[id] is Normal or UserDefined;
}
