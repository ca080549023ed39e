using System.Text.RegularExpressions;

namespace Finetune.Text.Building;

/// <summary>
/// The Split step of Llama 3's pre-tokenizer: its regex (as in its tokenizer.json, behaviour "Isolated"), which
/// cuts text into the pieces BPE works on. Characters outside the Basic Multilingual Plane are UTF-16 surrogate
/// pairs in .NET, so an astral letter counts as punctuation here (HF's Rust regex sees it as a letter).
/// </summary>
public static partial class Llama3PreTokenizer
{
    /// <summary>The pattern exactly as Llama 3's tokenizer.json spells it.</summary>
    public const string Pattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>The pieces of <paramref name="text"/>, in order; together they are the whole text.</summary>
    public static IEnumerable<string> Split(string text)
    {
        for (var match = Regex().Match(text); match.Success; match = match.NextMatch())
            yield return match.Value;
    }

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex Regex();
}
