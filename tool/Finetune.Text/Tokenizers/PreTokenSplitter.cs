using System.Globalization;
using System.Text;

namespace Finetune.Text.Tokenizers;

/// <summary>
/// Hand-written equivalents of the Llama 3, Qwen2 and GPT-2 split regexes that classify whole code points, as the
/// Oniguruma regexes in the Rust <c>tokenizers</c> library do. .NET's Regex sees a supplementary character
/// (𝐀, 🦙 ...) as two surrogates that are neither letters nor numbers, which splits text differently.
/// </summary>
internal sealed class PreTokenSplitter
{
    private enum Kind : byte { Letter, Number, Newline, Space, Other }

    private static readonly Kind[] Ascii = BuildAscii();
    private readonly bool _llama3;
    private readonly int _maxDigits;

    /// <param name="llama3">The Llama 3 family of patterns (else GPT-2's).</param>
    /// <param name="maxDigits">Digits per number piece: 3 for Llama 3's <c>\p{N}{1,3}</c>, 1 for Qwen2's <c>\p{N}</c>.</param>
    private PreTokenSplitter(bool llama3, int maxDigits)
    {
        _llama3 = llama3;
        _maxDigits = maxDigits;
    }

    /// <summary>The splitter for a known pattern, or null (the caller then uses the regex).</summary>
    public static PreTokenSplitter? For(string pattern) =>
        pattern == ByteLevelBpeModel.Llama3Pattern ? new(llama3: true, maxDigits: 3)
        : pattern == ByteLevelBpeModel.Qwen2Pattern ? new(llama3: true, maxDigits: 1)
        : pattern == ByteLevelBpeModel.Gpt2Pattern ? new(llama3: false, maxDigits: int.MaxValue)
        : null;

    /// <summary>Length in chars of the pre-token that starts at <paramref name="i"/>.</summary>
    public int Next(ReadOnlySpan<char> text, int i)
    {
        var (k0, n0) = KindAt(text, i);
        if (text[i] == '\'' && Contraction(text, i + 1) is > 0 and var c)
            return 1 + c;
        return _llama3 ? NextLlama3(text, i, k0, n0) : NextGpt2(text, i, k0, n0);
    }

    private int NextLlama3(ReadOnlySpan<char> text, int i, Kind k0, int n0)
    {
        if (k0 == Kind.Letter)
            return Run(text, i, Kind.Letter, int.MaxValue) - i;
        if (k0 is Kind.Space or Kind.Other && i + n0 < text.Length && KindAt(text, i + n0).Kind == Kind.Letter)
            return Run(text, i + n0, Kind.Letter, int.MaxValue) - i;
        if (k0 == Kind.Number)
            return Run(text, i, Kind.Number, _maxDigits) - i;
        var start = text[i] == ' ' && i + 1 < text.Length && KindAt(text, i + 1).Kind == Kind.Other ? i + 1 : i;
        if (k0 == Kind.Other || start > i)
        {
            var end = Run(text, start, Kind.Other, int.MaxValue);
            return Run(text, end, Kind.Newline, int.MaxValue) - i;
        }
        var j = WhitespaceEnd(text, i);
        for (var k = j - 1; k >= i; k--)
            if (text[k] is '\r' or '\n')
                return k + 1 - i;
        return TrailingWhitespace(text, i, j);
    }

    private static int NextGpt2(ReadOnlySpan<char> text, int i, Kind k0, int n0)
    {
        var start = i;
        var kind = k0;
        if (text[i] == ' ' && i + 1 < text.Length && KindAt(text, i + 1).Kind is var next && next is Kind.Letter or Kind.Number or Kind.Other)
        {
            start = i + 1;
            kind = next;
        }
        if (kind is Kind.Letter or Kind.Number or Kind.Other)
            return Run(text, start, kind, int.MaxValue) - i;
        return TrailingWhitespace(text, i, WhitespaceEnd(text, i));
    }

    /// <summary><c>\s+(?!\S)|\s+</c> over the whitespace run [i, j).</summary>
    private static int TrailingWhitespace(ReadOnlySpan<char> text, int i, int j) =>
        j == text.Length || j - i < 2 ? j - i : j - 1 - i;

    private int Contraction(ReadOnlySpan<char> text, int at)
    {
        ReadOnlySpan<string> suffixes = ["s", "t", "re", "ve", "m", "ll", "d"];
        foreach (var suffix in suffixes)
        {
            if (at + suffix.Length > text.Length)
                continue;
            var match = true;
            for (var k = 0; k < suffix.Length && match; k++)
            {
                var c = text[at + k];
                match = c == suffix[k] || _llama3 && c == char.ToUpperInvariant(suffix[k]);
            }
            if (match)
                return suffix.Length;
        }
        return 0;
    }

    private static int Run(ReadOnlySpan<char> text, int i, Kind kind, int maxCodePoints)
    {
        var count = 0;
        while (i < text.Length && count < maxCodePoints)
        {
            var (k, n) = KindAt(text, i);
            if (k != kind)
                break;
            i += n;
            count++;
        }
        return i;
    }

    private static int WhitespaceEnd(ReadOnlySpan<char> text, int i)
    {
        while (i < text.Length && KindAt(text, i).Kind is Kind.Space or Kind.Newline)
            i++;
        return i;
    }

    private static (Kind Kind, int Length) KindAt(ReadOnlySpan<char> text, int i)
    {
        var c = text[i];
        if (c < 128)
            return (Ascii[c], 1);
        if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            return (Classify(Rune.GetUnicodeCategory(new Rune(c, text[i + 1]))), 2);
        if (char.IsWhiteSpace(c))
            return (Kind.Space, 1);
        return (Classify(char.GetUnicodeCategory(c)), 1);
    }

    private static Kind Classify(UnicodeCategory category) => category switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => Kind.Letter,
        UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => Kind.Number,
        UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => Kind.Space,
        _ => Kind.Other,
    };

    private static Kind[] BuildAscii()
    {
        var table = new Kind[128];
        for (var c = 0; c < 128; c++)
            table[c] = c is '\r' or '\n' ? Kind.Newline
                : char.IsWhiteSpace((char)c) ? Kind.Space
                : char.IsAsciiLetter((char)c) ? Kind.Letter
                : char.IsAsciiDigit((char)c) ? Kind.Number
                : Kind.Other;
        return table;
    }
}
