namespace Finetune.Text.Tokenizers;

/// <summary>The vocabulary model under the added tokens: pre-tokenizes (if its family does) and runs BPE.</summary>
internal interface ITokenModel
{
    /// <summary>Number of ids in the model vocabulary (added tokens not counted).</summary>
    int Size { get; }

    /// <summary>
    /// Appends the ids of a piece of (already normalized) text that holds no added token; <paramref name="atStart"/>
    /// says whether it begins the whole input (Metaspace's prepend_scheme "first" prepends only there).
    /// </summary>
    void Encode(ReadOnlySpan<char> text, bool atStart, List<int> ids);

    string? IdToToken(int id);

    int? TokenToId(string token);
}
