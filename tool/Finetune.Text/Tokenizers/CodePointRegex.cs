using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Finetune.Text.Tokenizers;

/// <summary>
/// A tokenizer.json regex matched on code points, as the Rust <c>onig</c> and <c>regex</c> engines match it.
/// .NET's Regex sees a supplementary character (𝐀, 🦙 ...) as two surrogates, which are neither letters nor
/// numbers; so text holding any is matched as a copy in which each such character is one BMP character of the
/// same Unicode general category, and the match offsets are mapped back.
/// </summary>
internal sealed class CodePointRegex
{
    private readonly Regex _regex;

    public CodePointRegex(string pattern, string component)
    {
        Pattern = pattern;
        try
        {
            _regex = new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            throw new TokenizerException($"{component}: regex \"{pattern}\" is not supported here ({e.Message})");
        }
    }

    public string Pattern { get; }

    /// <summary>Appends the matches in <paramref name="text"/> as [Start, End) UTF-16 offsets, leftmost first, empty matches included.</summary>
    public void Matches(string text, List<(int Start, int End)> found)
    {
        if (text.AsSpan().IndexOfAnyInRange('\uD800', '\uDBFF') < 0)
        {
            foreach (var m in _regex.EnumerateMatches(text))
                found.Add((m.Index, m.Index + m.Length));
            return;
        }
        var compact = new StringBuilder(text.Length);
        var map = new List<int>(text.Length + 1);
        for (var i = 0; i < text.Length;)
        {
            map.Add(i);
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                compact.Append(Representative(Rune.GetUnicodeCategory(new Rune(text[i], text[i + 1]))));
                i += 2;
            }
            else
                compact.Append(text[i++]);
        }
        map.Add(text.Length);
        foreach (var m in _regex.EnumerateMatches(compact.ToString()))
            found.Add((map[m.Index], map[m.Index + m.Length]));
    }

    /// <summary>Replaces every match with <paramref name="content"/> (taken literally).</summary>
    public string Replace(string text, string content)
    {
        var found = new List<(int Start, int End)>();
        Matches(text, found);
        if (found.Count == 0)
            return text;
        var sb = new StringBuilder(text.Length);
        var at = 0;
        foreach (var (start, end) in found)
        {
            sb.Append(text, at, start - at).Append(content);
            at = end;
        }
        return sb.Append(text, at, text.Length - at).ToString();
    }

    /// <summary>A BMP character of <paramref name="category"/> that no tokenizer pattern names literally.</summary>
    internal static char Representative(UnicodeCategory category) => category switch
    {
        UnicodeCategory.UppercaseLetter => '\u0100',
        UnicodeCategory.LowercaseLetter => '\u0101',
        UnicodeCategory.TitlecaseLetter => '\u01C5',
        UnicodeCategory.ModifierLetter => '\u02B0',
        UnicodeCategory.OtherLetter => '\u05D0',
        UnicodeCategory.NonSpacingMark => '\u0300',
        UnicodeCategory.SpacingCombiningMark => '\u0903',
        UnicodeCategory.EnclosingMark => '\u0488',
        UnicodeCategory.DecimalDigitNumber => '\u0660',
        UnicodeCategory.LetterNumber => '\u16EE',
        UnicodeCategory.OtherNumber => '\u00B2',
        UnicodeCategory.ConnectorPunctuation => '\u203F',
        UnicodeCategory.DashPunctuation => '\u2010',
        UnicodeCategory.OpenPunctuation => '\u0F3A',
        UnicodeCategory.ClosePunctuation => '\u0F3B',
        UnicodeCategory.InitialQuotePunctuation => '\u00AB',
        UnicodeCategory.FinalQuotePunctuation => '\u00BB',
        UnicodeCategory.OtherPunctuation => '\u00A1',
        UnicodeCategory.MathSymbol => '\u00AC',
        UnicodeCategory.CurrencySymbol => '\u00A2',
        UnicodeCategory.ModifierSymbol => '\u02C2',
        UnicodeCategory.OtherSymbol => '\u00A6',
        UnicodeCategory.Format => '\u00AD',
        UnicodeCategory.PrivateUse => '\uE000',
        UnicodeCategory.SpaceSeparator => '\u3000',
        UnicodeCategory.LineSeparator => '\u2028',
        UnicodeCategory.ParagraphSeparator => '\u2029',
        UnicodeCategory.Control => '\u0080',
        _ => '\u0378',
    };
}
