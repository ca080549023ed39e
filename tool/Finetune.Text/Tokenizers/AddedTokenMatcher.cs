using System.Buffers;
using System.Globalization;

namespace Finetune.Text.Tokenizers;

/// <summary>
/// Finds added tokens in text leftmost-longest, as the Rust <c>tokenizers</c> AddedVocabulary does, with
/// single_word, lstrip and rstrip honoured. Patterns are the token contents (raw or normalized).
/// </summary>
internal sealed class AddedTokenMatcher
{
    private readonly Dictionary<char, (string Pattern, AddedTokenInfo Token)[]> _byFirstChar;
    private readonly SearchValues<char> _firstChars;
    private readonly HashSet<int> _firstPairs;
    private readonly HashSet<char> _oneCharPatterns;

    public AddedTokenMatcher(IEnumerable<(string Pattern, AddedTokenInfo Token)> patterns)
    {
        _byFirstChar = patterns
            .Where(p => p.Pattern.Length > 0)
            .GroupBy(p => p.Pattern[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(p => p.Pattern.Length).ToArray());
        _firstChars = SearchValues.Create([.. _byFirstChar.Keys]);
        var all = _byFirstChar.Values.SelectMany(g => g).Select(p => p.Pattern).ToList();
        _firstPairs = [.. all.Where(p => p.Length >= 2).Select(p => p[0] << 16 | p[1])];
        _oneCharPatterns = [.. all.Where(p => p.Length == 1).Select(p => p[0])];
    }

    public bool IsEmpty => _byFirstChar.Count == 0;

    /// <summary>The next match at or after <paramref name="from"/>: [start, end) taken from the text and the token's id.</summary>
    public bool FindNext(string text, int from, out int start, out int end, out int id)
    {
        var pos = from;
        while (pos < text.Length)
        {
            var hit = text.AsSpan(pos).IndexOfAny(_firstChars);
            if (hit < 0)
                break;
            pos += hit;
            if (!_oneCharPatterns.Contains(text[pos]) && (pos + 1 >= text.Length || !_firstPairs.Contains(text[pos] << 16 | text[pos + 1])))
            {
                pos++;
                continue;
            }
            // Leftmost-longest, as tokenizers' Aho-Corasick: a match refused for single_word is skipped whole.
            var (pattern, token) = Longest(text, pos);
            if (pattern is null)
            {
                pos++;
                continue;
            }
            var e = pos + pattern.Length;
            if (token!.SingleWord && (pos > 0 && IsWordChar(text[pos - 1]) || e < text.Length && IsWordChar(text[e])))
            {
                pos = e;
                continue;
            }
            start = pos;
            end = e;
            if (token.Lstrip)
                while (start > from && char.IsWhiteSpace(text[start - 1]))
                    start--;
            if (token.Rstrip)
                while (end < text.Length && char.IsWhiteSpace(text[end]))
                    end++;
            id = token.Id;
            return true;
        }
        start = end = id = -1;
        return false;
    }

    private (string? Pattern, AddedTokenInfo? Token) Longest(string text, int pos)
    {
        foreach (var (pattern, token) in _byFirstChar[text[pos]])
            if (text.AsSpan(pos).StartsWith(pattern, StringComparison.Ordinal))
                return (pattern, token);
        return (null, null);
    }

    /// <summary>The Rust regex crate's <c>\w</c>: letters, marks, decimal and letter numbers, connector punctuation.</summary>
    private static bool IsWordChar(char c) => char.GetUnicodeCategory(c) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter
        or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.NonSpacingMark
        or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark or UnicodeCategory.DecimalDigitNumber
        or UnicodeCategory.LetterNumber or UnicodeCategory.ConnectorPunctuation || c is '\u200C' or '\u200D';
}
