namespace Finetune.Pipeline.Evaluation;

/// <summary>Whether the tags in a text nest properly: every opening tag is closed, in order, and nothing else is closed.</summary>
public static class TagBalance
{
    /// <summary>
    /// Scans <paramref name="text"/> for the tags of <paramref name="pairs"/> left to right: an opening tag is
    /// pushed, a closing tag must close the innermost open one, and none may stay open at the end. A text
    /// with no tags at all is balanced.
    /// </summary>
    public static bool IsBalanced(string text, IReadOnlyList<TagPair> pairs)
    {
        var open = new Stack<TagPair>();
        int at = 0;
        while (true)
        {
            var (index, pair, opening) = Next(text, at, pairs);
            if (pair is null) return open.Count == 0;
            if (opening) open.Push(pair);
            else if (open.Count == 0 || open.Pop() != pair) return false;
            at = index + (opening ? pair.Open.Length : pair.Close.Length);
        }
    }

    /// <summary>Whether <paramref name="text"/> holds any tag of <paramref name="pairs"/> (tag balance counts only such texts).</summary>
    public static bool UsesTags(string text, IReadOnlyList<TagPair> pairs) => Next(text, 0, pairs).Pair is not null;

    /// <summary>The first tag at or after <paramref name="from"/> (the longest when two start at one place); index -1 when none.</summary>
    private static (int Index, TagPair? Pair, bool Opening) Next(string text, int from, IReadOnlyList<TagPair> pairs)
    {
        (int Index, TagPair? Pair, bool Opening, int Length) best = (-1, null, false, 0);
        foreach (var pair in pairs)
        {
            foreach (var (tag, opening) in new[] { (pair.Open, true), (pair.Close, false) })
            {
                int i = text.IndexOf(tag, from, StringComparison.Ordinal);
                if (i < 0) continue;
                if (best.Index < 0 || i < best.Index || (i == best.Index && tag.Length > best.Length))
                    best = (i, pair, opening, tag.Length);
            }
        }
        return (best.Index, best.Pair, best.Opening);
    }
}
