using System.Collections.Concurrent;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace Finetune.Text.Tokenizers;

/// <summary>
/// Byte-level BPE (Llama 3, Qwen2/3, GPT-2 style files): pre-tokenizes, maps each piece to its UTF-8 bytes and
/// merges them. Two BPE cores, both exact: Microsoft.ML.Tokenizers' <see cref="TiktokenTokenizer"/> where the
/// file says <c>ignore_merges</c> and its merges follow the merged tokens' ids (tiktoken merges by merged-token
/// rank and takes a whole piece found in the vocab as is, which is then HF's algorithm), else HF's own
/// merge-rank algorithm (<see cref="MergeBpeModel"/> over the byte characters). The Llama 3, Qwen2 and GPT-2
/// split regexes run on a hand-written code-point splitter (<see cref="PreTokenSplitter"/>), any other
/// pre-tokenizer through <see cref="PreTokenizer"/>; each piece's ids are cached (looked up by span, so a cached
/// piece costs no allocation).
/// </summary>
internal sealed class ByteLevelBpeModel : ITokenModel
{
    private const int CacheSize = 1 << 17;
    private const int MaxCachedWordLength = 64;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _cacheBySpan;
    private readonly TiktokenTokenizer? _tiktoken;
    private readonly MergeBpeModel? _merges;
    private readonly PreTokenizer _preTokenizer;
    private readonly PreTokenSplitter? _splitter;
    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _ids;

    /// <summary>Llama 3's Split regex (tokenizer.json pre_tokenizer; llama.cpp's <c>llama-bpe</c>).</summary>
    public const string Llama3Pattern = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>Qwen2's (and Qwen3's) Split regex: Llama 3's with one digit per piece.</summary>
    public const string Qwen2Pattern = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>GPT-2's regex (ByteLevel pre-tokenizer with use_regex).</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    /// <summary>A GGUF or legacy vocabulary: one split regex, the tiktoken core.</summary>
    /// <param name="rankable">Which ids BPE may produce (GGUF control tokens are split out as added tokens instead); null = all.</param>
    public ByteLevelBpeModel(string[] tokens, Dictionary<string, int> ids, string splitPattern, string file, Func<int, bool>? rankable = null)
        : this(tokens, ids, SplitThenByteLevel(splitPattern, file), merges: null, ignoreMerges: true, file, rankable)
    {
    }

    /// <param name="merges">The file's merges for HF's merge-rank core; null selects the tiktoken core (the caller checked it is exact).</param>
    public ByteLevelBpeModel(string[] tokens, Dictionary<string, int> ids, PreTokenizer preTokenizer, IReadOnlyList<(string Left, string Right)>? merges, bool ignoreMerges, string file, Func<int, bool>? rankable = null)
    {
        _tokens = tokens;
        _ids = ids;
        _preTokenizer = preTokenizer;
        _splitter = FastSplitter(preTokenizer);
        if (merges is null)
        {
            using var ranks = RankFile(tokens, rankable ?? (_ => true), file);
            _tiktoken = TiktokenTokenizer.Create(ranks, preTokenizer: null, normalizer: null, specialTokens: null, cacheSize: CacheSize);
        }
        else
        {
            _merges = new MergeBpeModel(tokens, MergeBpeModel.MergesFromRanks(merges, s => ids.TryGetValue(s, out var id) ? id : null, file),
                byteFallback: false, unkId: null, fuseUnk: false, ignoreMerges: ignoreMerges);
        }
        _cacheBySpan = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Size => _tokens.Length;

    public string? IdToToken(int id) => id >= 0 && id < _tokens.Length ? _tokens[id] : null;

    public int? TokenToId(string token) => _ids.TryGetValue(token, out var id) ? id : null;

    public void Encode(ReadOnlySpan<char> text, bool atStart, List<int> ids)
    {
        if (_splitter is null)
        {
            foreach (var piece in _preTokenizer.Split(text.ToString(), atStart))
                EncodeWord(piece.Text, ids);
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
        IReadOnlyList<int> encoded;
        if (_tiktoken is not null)
            encoded = _tiktoken.EncodeToIds(word, considerPreTokenization: false, considerNormalization: false);
        else
        {
            var list = new List<int>();
            _merges!.Encode(ToByteChars(word), atStart: false, list);
            encoded = list;
        }
        ids.AddRange(encoded);
        if (word.Length <= MaxCachedWordLength)
        {
            if (_cache.Count >= CacheSize)
                _cache.Clear();
            _cacheBySpan.TryAdd(word, [.. encoded]);
        }
    }

    private static string ToByteChars(ReadOnlySpan<char> word)
    {
        var bytes = Encoding.UTF8.GetBytes(word.ToArray());
        var chars = new char[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
            chars[i] = ByteLevelAlphabet.ToChar(bytes[i]);
        return new string(chars);
    }

    /// <summary>The hand-written splitter when the pre-tokenizer is one known regex then ByteLevel without prefix space.</summary>
    private static PreTokenSplitter? FastSplitter(PreTokenizer pre) => pre.Steps switch
    {
        [PreTokenizer.SplitStep { Behavior: PreTokenizer.Behavior.Isolated, Invert: false } split, PreTokenizer.ByteLevelStep { AddPrefixSpace: false, Regex: null }]
            => PreTokenSplitter.For(split.Regex.Pattern),
        [PreTokenizer.ByteLevelStep { AddPrefixSpace: false, Regex: { } regex }] => PreTokenSplitter.For(regex.Pattern),
        _ => null,
    };

    private static PreTokenizer SplitThenByteLevel(string pattern, string file) => new(
    [
        new PreTokenizer.SplitStep(new CodePointRegex(pattern, $"{file}: pre_tokenizer Split"), PreTokenizer.Behavior.Isolated, Invert: false),
        new PreTokenizer.ByteLevelStep(AddPrefixSpace: false, Regex: null),
    ]);

    /// <summary>Tiktoken merges by merged-token rank; HF by merge rank. They agree when the merges follow the merged ids.</summary>
    public static bool MergesFollowRanks(IReadOnlyList<(string Left, string Right)> merges, Dictionary<string, int> ids, string file)
    {
        var last = -1;
        for (var i = 0; i < merges.Count; i++)
        {
            if (!ids.TryGetValue(merges[i].Left + merges[i].Right, out var id))
                throw new TokenizerException($"{file}: merge {i} \"{merges[i].Left} {merges[i].Right}\" makes a token that is not in the vocab");
            if (id < last)
                return false;
            last = id;
        }
        return true;
    }

    /// <summary>For the GGUF path, which has only the tiktoken core: refuses merges out of rank order.</summary>
    public static void CheckMergesFollowRanks(IReadOnlyList<(string Left, string Right)> merges, Dictionary<string, int> ids, string file)
    {
        if (!MergesFollowRanks(merges, ids, file))
            throw new TokenizerException($"{file}: the merges are out of the vocab's rank order; this byte-level BPE needs merges ordered like the token ids (as in Llama 3)");
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
