using System.Globalization;
using System.Text;

namespace Finetune.Text.Tokenizers;

/// <summary>
/// The tokenizer.json normalizers, applied in order as the Rust <c>tokenizers</c> library does: NFC, NFD, NFKC,
/// NFKD, Lowercase (per code point, full mapping), Prepend (to non-empty text), Replace (string or regex),
/// Strip and StripAccents.
/// </summary>
internal sealed class TextNormalizer
{
    internal abstract record Step;
    internal sealed record UnicodeStep(NormalizationForm Form) : Step;
    internal sealed record LowercaseStep : Step;
    internal sealed record PrependStep(string Prefix) : Step;
    internal sealed record ReplaceStep(string? From, CodePointRegex? Regex, string To) : Step;
    internal sealed record StripStep(bool Left, bool Right) : Step;
    internal sealed record StripAccentsStep : Step;

    private readonly IReadOnlyList<Step> _steps;

    public TextNormalizer(IReadOnlyList<Step> steps) => _steps = steps;

    public static TextNormalizer None { get; } = new([]);

    public bool IsIdentity => _steps.Count == 0;

    /// <summary>Whether it prepends (SentencePiece's legacy "▁" prefix), where added tokens are written normalized=false.</summary>
    public bool Prepends => _steps.Any(s => s is PrependStep);

    public string Normalize(string text)
    {
        foreach (var step in _steps)
            text = step switch
            {
                UnicodeStep u => NormalizeForm(text, u.Form),
                LowercaseStep => Lowercase(text),
                PrependStep p => text.Length == 0 ? text : p.Prefix + text,
                ReplaceStep { Regex: { } regex } r => regex.Replace(text, r.To),
                ReplaceStep r => text.Replace(r.From!, r.To, StringComparison.Ordinal),
                StripStep s => Strip(text, s.Left, s.Right),
                StripAccentsStep => StripAccents(text),
                _ => throw new InvalidOperationException($"unhandled normalizer step {step}"),
            };
        return text;
    }

    private static string NormalizeForm(string text, NormalizationForm form)
    {
        return Unicode.UnicodeNormalizer.Normalize(text, form);
    }

    /// <summary>Rust's <c>char::to_lowercase</c> per code point: simple mappings plus U+0130's two-character one.</summary>
    private static string Lowercase(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.Value == 0x130)
                sb.Append("i\u0307");
            else
                sb.Append(Rune.ToLowerInvariant(rune).ToString());
        }
        return sb.ToString();
    }

    private static string Strip(string text, bool left, bool right)
    {
        var start = 0;
        var end = text.Length;
        if (left)
            while (start < end && PreTokenizer.IsWhitespace(text[start]))
                start++;
        if (right)
            while (end > start && PreTokenizer.IsWhitespace(text[end - 1]))
                end--;
        return text[start..end];
    }

    private static string StripAccents(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
            if (Rune.GetUnicodeCategory(rune) is not (UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark))
                sb.Append(rune.ToString());
        return sb.ToString();
    }
}
