using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Finetune.Text.Tokenizers;

/// <summary>
/// Byte-level BPE (Llama 3) on Microsoft.ML.Tokenizers' <see cref="TiktokenTokenizer"/>: the tokenizer.json
/// vocab strings are mapped back to bytes through the GPT-2 table and fed to it as a tiktoken rank file.
/// Tiktoken merges by the rank of the merged token and takes a whole pre-token found in the vocab as is;
/// that equals HF's BPE with <c>ignore_merges</c> when the merges are in the order of the merged tokens'
/// ids, which the loader checks. Pre-tokenizing runs here: the Llama 3 and GPT-2 split regexes by a hand-written
/// code-point splitter (<see cref="PreTokenSplitter"/>), other patterns by .NET Regex; each pre-token's ids are
/// cached (looked up by span, so a cached word costs no allocation).
/// </summary>
internal sealed class ByteLevelBpeModel : ITokenModel
{
    private const int CacheSize = 1 << 17;
    private const int MaxCachedWordLength = 64;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _cacheBySpan;
    private readonly TiktokenTokenizer _tiktoken;
    private readonly Regex _split;
    private readonly PreTokenSplitter? _splitter;
    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _ids;

    /// <summary>Llama 3's Split regex (tokenizer.json pre_tokenizer; llama.cpp's <c>llama-bpe</c>).</summary>
    public const string Llama3Pattern = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>GPT-2's regex (ByteLevel pre-tokenizer with use_regex).</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    /// <param name="rankable">Which ids BPE may produce (GGUF control tokens are split out as added tokens instead); null = all.</param>
    public ByteLevelBpeModel(string[] tokens, Dictionary<string, int> ids, string splitPattern, string file, Func<int, bool>? rankable = null)
    {
        _tokens = tokens;
        _ids = ids;
        _split = new Regex(splitPattern, RegexOptions.Compiled | RegexOptions.CultureInvariant);
        _splitter = PreTokenSplitter.For(splitPattern);
        using var ranks = RankFile(tokens, rankable ?? (_ => true), file);
        _tiktoken = TiktokenTokenizer.Create(ranks, preTokenizer: null, normalizer: null, specialTokens: null, cacheSize: CacheSize);
        _cacheBySpan = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Size => _tokens.Length;

    public string? IdToToken(int id) => id >= 0 && id < _tokens.Length ? _tokens[id] : null;

    public int? TokenToId(string token) => _ids.TryGetValue(token, out var id) ? id : null;

    public void Encode(ReadOnlySpan<char> text, List<int> ids)
    {
        if (_splitter is null)
        {
            foreach (var match in _split.EnumerateMatches(text))
                EncodeWord(text.Slice(match.Index, match.Length), ids);
            return;
        }
        for (var i = 0; i < text.Length;)
        {
            var length = _splitter.Next(text, i);
            EncodeWord(text.Slice(i, length), ids);
            i += length;
        }
    }

    private void EncodeWord(ReadOnlySpan<char> word, List<int> ids)
    {
        if (_cacheBySpan.TryGetValue(word, out var cached))
        {
            ids.AddRange(cached);
            return;
        }
        var encoded = _tiktoken.EncodeToIds(word, considerPreTokenization: false, considerNormalization: false);
        ids.AddRange(encoded);
        if (word.Length <= MaxCachedWordLength)
        {
            if (_cache.Count >= CacheSize)
                _cache.Clear();
            _cacheBySpan.TryAdd(word, [.. encoded]);
        }
    }

    /// <summary>Tiktoken merges by merged-token rank; HF by merge rank. They agree when the merges follow the merged ids.</summary>
    public static void CheckMergesFollowRanks(IReadOnlyList<(string Left, string Right)> merges, Dictionary<string, int> ids, string file)
    {
        var last = -1;
        for (var i = 0; i < merges.Count; i++)
        {
            if (!ids.TryGetValue(merges[i].Left + merges[i].Right, out var id))
                throw new TokenizerException($"{file}: merge {i} \"{merges[i].Left} {merges[i].Right}\" makes a token that is not in the vocab");
            if (id < last)
                throw new TokenizerException($"{file}: merge {i} is out of the vocab's rank order; this byte-level BPE needs merges ordered like the token ids (as in Llama 3)");
            last = id;
        }
    }

    private static MemoryStream RankFile(string[] tokens, Func<int, bool> rankable, string file)
    {
        var text = new StringBuilder(tokens.Length * 16);
        for (var id = 0; id < tokens.Length; id++)
        {
            if (!rankable(id))
                continue;
            var bytes = ByteLevelAlphabet.ToBytes(tokens[id])
                ?? throw new TokenizerException($"{file}: vocab entry {id} \"{tokens[id]}\" is not a byte-level token");
            text.Append(Convert.ToBase64String(bytes)).Append(' ').Append(id).Append('\n');
        }
        return new MemoryStream(Encoding.ASCII.GetBytes(text.ToString()));
    }
}
