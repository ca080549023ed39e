using Finetune.Text.Tokenizers;

namespace Finetune.Tool.Output;

/// <summary>
/// Turns generated ids into text as they arrive. Each step decodes prompt + generated ids and hands out the
/// new suffix, holding back trailing U+FFFDs (a character whose UTF-8 bytes have not all arrived, as with
/// SentencePiece byte-fallback tokens). Decoding the prompt along with the continuation keeps the leading
/// space that a SentencePiece decoder strips at the start of a text. Special tokens are left out.
/// </summary>
public sealed class IncrementalDecoder(HfTokenizer tokenizer, IReadOnlyList<int> prompt)
{
    private readonly List<int> _ids = [.. prompt];
    private readonly string _promptText = tokenizer.Decode(prompt, skipSpecialTokens: true);
    private int _emitted;

    /// <summary>The whole continuation decoded so far (including any held-back tail).</summary>
    public string Text { get; private set; } = "";

    /// <summary>Adds one generated id; returns the text that is now complete and not yet handed out (often empty).</summary>
    public string Add(int id)
    {
        _ids.Add(id);
        var full = tokenizer.Decode(_ids, skipSpecialTokens: true);
        Text = full.StartsWith(_promptText, StringComparison.Ordinal) ? full[_promptText.Length..] : full[CommonPrefix(full, _promptText)..];
        var ready = Text.TrimEnd('\uFFFD').Length; // an incomplete character decodes to one U+FFFD per byte so far
        if (ready <= _emitted) return "";
        var fresh = Text[_emitted..ready];
        _emitted = ready;
        return fresh;
    }

    /// <summary>What is still held back when generation ends (an incomplete character stays U+FFFD).</summary>
    public string Flush()
    {
        var rest = Text.Length > _emitted ? Text[_emitted..] : "";
        _emitted = Text.Length;
        return rest;
    }

    private static int CommonPrefix(string a, string b)
    {
        int n = 0;
        while (n < a.Length && n < b.Length && a[n] == b[n]) n++;
        return n;
    }
}
