namespace Finetune.Pipeline.Evaluation;

/// <summary>An opening tag and its closing tag, e.g. <c>&lt;think&gt;</c> and <c>&lt;/think&gt;</c>.</summary>
public sealed record TagPair(string Open, string Close)
{
    /// <summary>
    /// The pairs among <paramref name="tokens"/>: each <c>&lt;name&gt;</c> whose <c>&lt;/name&gt;</c> is also
    /// there, in the order the opening tags appear. Tokens without a partner are not tags.
    /// </summary>
    public static IReadOnlyList<TagPair> FromTokens(IEnumerable<string> tokens)
    {
        var all = tokens.ToHashSet(StringComparer.Ordinal);
        return all.Count == 0 ? [] : tokens
            .Where(t => t.Length > 2 && t[0] == '<' && t[1] != '/' && t[^1] == '>')
            .Select(t => new TagPair(t, "</" + t[1..]))
            .Where(p => all.Contains(p.Close))
            .Distinct()
            .ToList();
    }
}
