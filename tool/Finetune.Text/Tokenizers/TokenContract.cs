namespace Finetune.Text.Tokenizers;

/// <summary>
/// Checks that added tokens behave as single tokens: alone (exactly one id), after a space (the token's id
/// once, last, after the ids of " " alone) and between text ("a" + token + "b" = ids of "a", the id, ids of "b"),
/// and whether decode(encode(x)) == x for those three texts. The seed token must be one existing token.
/// </summary>
public static class TokenContract
{
    public static TokenContractReport Check(HfTokenizer before, HfTokenizer after, IEnumerable<string> added, string? seedFrom)
    {
        int? seedId = seedFrom is null ? null : SingleTokenId(before, seedFrom, "seed.from");
        var entries = added.Select(token => CheckToken(after, token)).ToList();
        return new TokenContractReport(entries, seedFrom, seedId, entries.All(e => e.RoundTripFailures.Count == 0));
    }

    /// <summary>
    /// The id of <paramref name="token"/>, which must be one existing token of <paramref name="tokenizer"/>
    /// (by name, or text that encodes to exactly one id); else an error naming it and <paramref name="role"/>.
    /// </summary>
    public static int SingleTokenId(HfTokenizer tokenizer, string token, string role)
    {
        if (tokenizer.TokenToId(token) is int id) return id;
        var ids = tokenizer.Encode(token);
        return ids.Count == 1
            ? ids[0]
            : throw new TokenizerException($"{role} \"{token}\" is not a single token of {tokenizer.Source} (it encodes to {ids.Count} ids: [{string.Join(", ", ids)}])");
    }

    private static TokenContractEntry CheckToken(HfTokenizer tok, string token)
    {
        var id = tok.TokenToId(token);
        var alone = tok.Encode(token);
        var afterSpace = tok.Encode(" " + token);
        var inContext = tok.Encode("a" + token + "b");
        var space = tok.Encode(" ");
        var aloneOk = id is { } i && alone.SequenceEqual([i]);
        var spaceOk = id is { } j && afterSpace.Count(x => x == j) == 1 && afterSpace.SequenceEqual([.. space, j]);
        var contextOk = id is { } k && inContext.SequenceEqual([.. tok.Encode("a"), k, .. tok.Encode("b")]);
        var failures = new List<string>();
        foreach (var text in new[] { token, " " + token, "a" + token + "b" })
        {
            var decoded = tok.Decode(tok.Encode(text));
            if (decoded != text)
                failures.Add($"\"{text}\" decodes as \"{decoded}\"");
        }
        return new TokenContractEntry(token, id, alone, afterSpace, inContext, aloneOk, spaceOk, contextOk, failures);
    }
}
