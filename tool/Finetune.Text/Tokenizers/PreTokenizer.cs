using System.Globalization;
using System.Text;

namespace Finetune.Text.Tokenizers;

/// <summary>
/// A tokenizer.json pre-tokenizer as the Rust <c>tokenizers</c> library runs it: each step splits every piece
/// the previous steps left (Split, ByteLevel, Metaspace, Digits, Punctuation, WhitespaceSplit, Whitespace,
/// CharDelimiterSplit, BertPreTokenizer, in a Sequence), with the library's five split behaviours. Empty pieces
/// are dropped. ByteLevel's byte-to-character mapping is left to the byte-level model that follows.
/// </summary>
internal sealed class PreTokenizer
{
    internal enum Behavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous }

    internal abstract record Step;
    internal sealed record SplitStep(CodePointRegex Regex, Behavior Behavior, bool Invert) : Step;
    internal sealed record CharSplitStep(Func<int, bool> Matches, Behavior Behavior) : Step;
    internal sealed record ByteLevelStep(bool AddPrefixSpace, CodePointRegex? Regex) : Step;
    internal sealed record MetaspaceStep(char Replacement, PrependScheme Scheme, bool Split) : Step;

    internal enum PrependScheme { Always, First, Never }

    /// <summary>One piece of text and whether it begins at the start of the whole input (Metaspace's prepend_scheme "first").</summary>
    internal readonly record struct Piece(string Text, bool AtStart);

    public PreTokenizer(IReadOnlyList<Step> steps) => Steps = steps;

    public IReadOnlyList<Step> Steps { get; }

    public bool IsEmpty => Steps.Count == 0;

    public List<Piece> Split(string segment, bool atStart)
    {
        var pieces = new List<Piece>(segment.Length / 4 + 1) { new(segment, atStart) };
        var next = new List<Piece>();
        var marks = new List<(int Start, int End, bool IsMatch)>();
        foreach (var step in Steps)
        {
            next.Clear();
            foreach (var piece in pieces)
                Apply(step, piece, next, marks);
            (pieces, next) = (next, pieces);
        }
        pieces.RemoveAll(p => p.Text.Length == 0);
        return pieces;
    }

    private static void Apply(Step step, Piece piece, List<Piece> output, List<(int, int, bool)> marks)
    {
        switch (step)
        {
            case SplitStep s:
                RegexMarks(s.Regex, piece.Text, s.Invert, marks);
                Cut(piece, marks, s.Behavior, output);
                break;
            case CharSplitStep c:
                CharMarks(piece.Text, c.Matches, marks);
                Cut(piece, marks, c.Behavior, output);
                break;
            case ByteLevelStep b:
                var text = b.AddPrefixSpace && !piece.Text.StartsWith(' ') ? " " + piece.Text : piece.Text;
                if (b.Regex is null)
                    output.Add(piece with { Text = text });
                else
                {
                    RegexMarks(b.Regex, text, invert: false, marks);
                    Cut(piece with { Text = text }, marks, Behavior.Isolated, output);
                }
                break;
            case MetaspaceStep m:
                var replaced = piece.Text.Replace(' ', m.Replacement);
                var prepend = m.Scheme == PrependScheme.Always || m.Scheme == PrependScheme.First && piece.AtStart;
                if (prepend && !replaced.StartsWith(m.Replacement))
                    replaced = m.Replacement + replaced;
                if (!m.Split)
                    output.Add(piece with { Text = replaced });
                else
                {
                    var r = m.Replacement;
                    CharMarks(replaced, c => c == r, marks);
                    Cut(piece with { Text = replaced }, marks, Behavior.MergedWithNext, output);
                }
                break;
            default:
                throw new InvalidOperationException($"unhandled pre-tokenizer step {step}");
        }
    }

    /// <summary>tokenizers' <c>Pattern::find_matches</c> for a regex: matches and the gaps between them, in order.</summary>
    private static void RegexMarks(CodePointRegex regex, string text, bool invert, List<(int, int, bool)> marks)
    {
        marks.Clear();
        if (text.Length == 0)
        {
            marks.Add((0, 0, invert));
            return;
        }
        var found = new List<(int Start, int End)>();
        regex.Matches(text, found);
        var prev = 0;
        foreach (var (start, end) in found)
        {
            if (prev != start)
                marks.Add((prev, start, invert));
            marks.Add((start, end, !invert));
            prev = end;
        }
        if (prev != text.Length)
            marks.Add((prev, text.Length, invert));
    }

    /// <summary>tokenizers' <c>Pattern::find_matches</c> for a character predicate: every matching code point is its own match.</summary>
    private static void CharMarks(string text, Func<int, bool> matches, List<(int, int, bool)> marks)
    {
        marks.Clear();
        if (text.Length == 0)
        {
            marks.Add((0, 0, false));
            return;
        }
        var last = 0;
        for (var i = 0; i < text.Length;)
        {
            var n = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            var cp = n == 2 ? char.ConvertToUtf32(text[i], text[i + 1]) : text[i];
            if (matches(cp))
            {
                if (last < i)
                    marks.Add((last, i, false));
                marks.Add((i, i + n, true));
                last = i + n;
            }
            i += n;
        }
        if (last < text.Length)
            marks.Add((last, text.Length, false));
    }

    /// <summary>tokenizers' <c>NormalizedString::split</c>: the five delimiter behaviours over the marks.</summary>
    private static void Cut(Piece piece, List<(int Start, int End, bool IsMatch)> marks, Behavior behavior, List<Piece> output)
    {
        var spans = new List<(int Start, int End, bool Remove)>(marks.Count);
        switch (behavior)
        {
            case Behavior.Isolated:
                foreach (var (s, e, _) in marks)
                    spans.Add((s, e, false));
                break;
            case Behavior.Removed:
                foreach (var (s, e, m) in marks)
                    spans.Add((s, e, m));
                break;
            case Behavior.Contiguous:
            case Behavior.MergedWithPrevious:
                var previous = false;
                foreach (var (s, e, m) in marks)
                {
                    var merge = behavior == Behavior.Contiguous ? m == previous : m && !previous;
                    if (merge && spans.Count > 0)
                        spans[^1] = (spans[^1].Start, e, false);
                    else
                        spans.Add((s, e, false));
                    previous = m;
                }
                break;
            case Behavior.MergedWithNext:
                var prevMatch = false;
                for (var k = marks.Count - 1; k >= 0; k--)
                {
                    var (s, e, m) = marks[k];
                    if (m && !prevMatch && spans.Count > 0)
                        spans[^1] = (s, spans[^1].End, false);
                    else
                        spans.Add((s, e, false));
                    prevMatch = m;
                }
                spans.Reverse();
                break;
        }
        foreach (var (s, e, remove) in spans)
            if (!remove && e > s)
                output.Add(new Piece(piece.Text[s..e], piece.AtStart && s == 0));
    }

    /// <summary>Rust's <c>char::is_numeric</c>: general categories Nd, Nl, No.</summary>
    public static bool IsNumeric(int cp) =>
        CharUnicodeInfo.GetUnicodeCategory(cp) is UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber;

    /// <summary>tokenizers' <c>is_punc</c>: ASCII punctuation or a P* general category.</summary>
    public static bool IsPunctuation(int cp) =>
        cp < 128 ? char.IsAsciiLetterOrDigit((char)cp) is false && cp > 32 && cp < 127
        : CharUnicodeInfo.GetUnicodeCategory(cp) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;

    /// <summary>Rust's <c>char::is_whitespace</c> (the Unicode White_Space property).</summary>
    public static bool IsWhitespace(int cp) => cp <= 0xFFFF ? char.IsWhiteSpace((char)cp) : Rune.IsWhiteSpace(new Rune(cp));
}
