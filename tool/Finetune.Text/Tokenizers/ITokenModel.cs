namespace Finetune.Text.Tokenizers;

/// <summary>The vocabulary model under the added tokens: pre-tokenizes (if its family does) and runs BPE.</summary>
internal interface ITokenModel
{
    /// <summary>Number of ids in the model vocabulary (added tokens not counted).</summary>
    int Size { get; }

    /// <summary>Appends the ids of a piece of (already normalized) text that holds no added token.</summary>
    void Encode(ReadOnlySpan<char> text, List<int> ids);

    string? IdToToken(int id);

    int? TokenToId(string token);
}
