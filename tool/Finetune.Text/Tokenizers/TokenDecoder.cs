using System.Globalization;
using System.Text;

namespace Finetune.Text.Tokenizers;

/// <summary>
/// The tokenizer.json decoders Llama-family files use, applied to the token strings in order as the Rust
/// <c>tokenizers</c> library does: ByteLevel, Replace, ByteFallback, Fuse, Strip, Metaspace, BPEDecoder.
/// </summary>
internal sealed class TokenDecoder
{
    internal abstract record Step;
    internal sealed record ByteLevelStep : Step;
    internal sealed record ReplaceStep(string From, string To) : Step;
    internal sealed record ByteFallbackStep : Step;
    internal sealed record FuseStep : Step;
    internal sealed record StripStep(char Content, int Start, int Stop) : Step;
    /// <summary>Metaspace: the replacement character becomes a space, and disappears from the first token when the pre-tokenizer prepends.</summary>
    internal sealed record MetaspaceStep(char Replacement, bool DropFromFirst) : Step;
    /// <summary>BPEDecoder: the end-of-word suffix becomes a space (nothing in the last token).</summary>
    internal sealed record SuffixStep(string Suffix) : Step;

    private readonly IReadOnlyList<Step> _steps;

    public TokenDecoder(IReadOnlyList<Step> steps) => _steps = steps;

    public string Decode(List<string> tokens)
    {
        foreach (var step in _steps)
            tokens = step switch
            {
                ByteLevelStep => [DecodeByteLevel(tokens)],
                ReplaceStep r => tokens.ConvertAll(t => t.Replace(r.From, r.To, StringComparison.Ordinal)),
                ByteFallbackStep => DecodeByteFallback(tokens),
                FuseStep => [string.Concat(tokens)],
                StripStep s => tokens.ConvertAll(t => Strip(t, s)),
                MetaspaceStep m => tokens.Select((t, i) => i == 0 && m.DropFromFirst
                    ? t.Replace(m.Replacement.ToString(), "", StringComparison.Ordinal)
                    : t.Replace(m.Replacement, ' ')).ToList(),
                SuffixStep x => tokens.Select((t, i) => t.Replace(x.Suffix, i == tokens.Count - 1 ? "" : " ", StringComparison.Ordinal)).ToList(),
                _ => throw new InvalidOperationException($"unhandled decoder step {step}"),
            };
        return _steps.Count == 0 ? string.Join(' ', tokens) : string.Concat(tokens);
    }

    private static string DecodeByteLevel(List<string> tokens)
    {
        var bytes = new List<byte>();
        foreach (var token in tokens)
        {
            var mapped = ByteLevelAlphabet.ToBytes(token);
            bytes.AddRange(mapped ?? Encoding.UTF8.GetBytes(token));
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static List<string> DecodeByteFallback(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        var pending = new List<byte>();
        foreach (var token in tokens)
        {
            if (TryParseByteToken(token, out var b))
            {
                pending.Add(b);
                continue;
            }
            Flush(pending, result);
            result.Add(token);
        }
        Flush(pending, result);
        return result;
    }

    private static void Flush(List<byte> pending, List<string> result)
    {
        if (pending.Count == 0)
            return;
        try
        {
            result.Add(new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(pending.ToArray()));
        }
        catch (DecoderFallbackException)
        {
            for (var i = 0; i < pending.Count; i++)
                result.Add("\uFFFD");
        }
        pending.Clear();
    }

    internal static bool TryParseByteToken(string token, out byte value)
    {
        value = 0;
        return token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
            && byte.TryParse(token.AsSpan(3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out value);
    }

    private static string Strip(string token, StripStep s)
    {
        var start = 0;
        while (start < s.Start && start < token.Length && token[start] == s.Content)
            start++;
        var stop = token.Length;
        while (token.Length - stop < s.Stop && stop > start && token[stop - 1] == s.Content)
            stop--;
        return token[start..stop];
    }
}
