namespace Finetune.Recipes;

/// <summary>"Did you mean" suggestions by edit distance.</summary>
internal static class KeySuggester
{
    /// <summary>
    /// The closest candidate within a third of the word's length (at least 2 edits); else the only candidate
    /// the word (3 letters or more) is a prefix of (<c>warmup</c> -> <c>warmup_ratio</c>); else null.
    /// </summary>
    public static string? Closest(string word, IEnumerable<string> candidates)
    {
        var list = candidates.ToList();
        var lower = word.ToLowerInvariant();
        var limit = Math.Max(2, word.Length / 3);
        var close = list
            .Select(c => (Candidate: c, Distance: Distance(lower, c.ToLowerInvariant())))
            .Where(x => x.Distance <= limit)
            .OrderBy(x => x.Distance)
            .Select(x => x.Candidate)
            .FirstOrDefault();
        if (close != null || word.Length < 3)
            return close;
        var extensions = list.Where(c => c.StartsWith(lower, StringComparison.OrdinalIgnoreCase)).ToList();
        return extensions.Count == 1 ? extensions[0] : null;
    }

    /// <summary>Levenshtein distance (insert, delete, substitute cost 1).</summary>
    public static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitute = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitute, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
