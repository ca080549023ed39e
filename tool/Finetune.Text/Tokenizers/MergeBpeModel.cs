using System.Text;

namespace Finetune.Text.Tokenizers;

/// <summary>
/// BPE over characters with byte fallback (Llama 2 and Mistral tokenizer.json, GGUF <c>llama</c> vocabularies,
/// and byte-level files whose merges tiktoken cannot stand for). Merges the adjacent pair with the best priority
/// first (lowest merge rank, or highest score for GGUF), leftmost on ties, as the Rust <c>tokenizers</c> BPE
/// model and llama.cpp do; with <c>ignore_merges</c> a piece found whole in the vocab is taken as is. A
/// pre-tokenizer (Metaspace, WhitespaceSplit ...) splits the text first when the file has one.
/// </summary>
internal sealed class MergeBpeModel : ITokenModel
{
    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _spanIds;
    private readonly Dictionary<long, (float Priority, int NewId)> _merges;
    private readonly int[]? _byteIds;
    private readonly int? _unkId;
    private readonly bool _fuseUnk;
    private readonly bool _ignoreMerges;
    private readonly PreTokenizer? _preTokenizer;

    public MergeBpeModel(string[] tokens, Dictionary<long, (float Priority, int NewId)> merges, bool byteFallback, int? unkId, bool fuseUnk,
        bool ignoreMerges = false, PreTokenizer? preTokenizer = null)
    {
        _ignoreMerges = ignoreMerges;
        _preTokenizer = preTokenizer is { IsEmpty: false } ? preTokenizer : null;
        _tokens = tokens;
        _ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (var id = 0; id < tokens.Length; id++)
            _ids.TryAdd(tokens[id], id);
        _spanIds = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
        _merges = merges;
        _unkId = unkId;
        _fuseUnk = fuseUnk;
        if (byteFallback)
            _byteIds = BuildByteIds();
    }

    public int Size => _tokens.Length;

    public string? IdToToken(int id) => id >= 0 && id < _tokens.Length ? _tokens[id] : null;

    public int? TokenToId(string token) => _ids.TryGetValue(token, out var id) ? id : null;

    public static long PairKey(int left, int right) => ((long)left << 32) | (uint)right;

    /// <summary>Merges from tokenizer.json: "a b" pairs in rank order.</summary>
    public static Dictionary<long, (float, int)> MergesFromRanks(IReadOnlyList<(string Left, string Right)> pairs, Func<string, int?> idOf, string file)
    {
        var merges = new Dictionary<long, (float, int)>(pairs.Count);
        for (var rank = 0; rank < pairs.Count; rank++)
        {
            var (left, right) = pairs[rank];
            var l = idOf(left);
            var r = idOf(right);
            var n = idOf(left + right);
            if (l is null || r is null || n is null)
                throw new TokenizerException($"{file}: merge {rank} \"{left} {right}\" uses a token that is not in the vocab");
            merges.TryAdd(PairKey(l.Value, r.Value), (rank, n.Value));
        }
        return merges;
    }

    /// <summary>Merges implied by SentencePiece scores: every split of a normal token into two tokens, best score first.</summary>
    public static Dictionary<long, (float, int)> MergesFromScores(string[] tokens, float[] scores, Func<int, bool> mergeable)
    {
        var ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (var id = 0; id < tokens.Length; id++)
            ids.TryAdd(tokens[id], id);
        var merges = new Dictionary<long, (float, int)>();
        for (var id = 0; id < tokens.Length; id++)
        {
            var token = tokens[id];
            if (!mergeable(id) || token.Length < 2)
                continue;
            for (var cut = 1; cut < token.Length; cut++)
            {
                if (char.IsLowSurrogate(token[cut]))
                    continue;
                if (ids.TryGetValue(token[..cut], out var l) && mergeable(l) && ids.TryGetValue(token[cut..], out var r) && mergeable(r))
                    merges.TryAdd(PairKey(l, r), (-scores[id], id));
            }
        }
        return merges;
    }

    public void Encode(ReadOnlySpan<char> text, bool atStart, List<int> ids)
    {
        if (_preTokenizer is null)
        {
            EncodePiece(text, ids);
            return;
        }
        foreach (var piece in _preTokenizer.Split(text.ToString(), atStart))
            EncodePiece(piece.Text, ids);
    }

    private void EncodePiece(ReadOnlySpan<char> text, List<int> ids)
    {
        if (text.IsEmpty)
            return;
        if (_ignoreMerges && _spanIds.TryGetValue(text, out var whole))
        {
            ids.Add(whole);
            return;
        }
        var symbols = InitialSymbols(text);
        var next = new int[symbols.Count];
        var prev = new int[symbols.Count];
        for (var i = 0; i < symbols.Count; i++)
        {
            prev[i] = i - 1;
            next[i] = i + 1 < symbols.Count ? i + 1 : -1;
        }
        var ids0 = symbols;
        var queue = new PriorityQueue<(int Pos, int NewId), (float, int)>();
        for (var i = 0; i + 1 < ids0.Count; i++)
            Enqueue(queue, ids0, i, i + 1);
        while (queue.TryDequeue(out var top, out var priority))
        {
            var right = next[top.Pos];
            if (ids0[top.Pos] < 0 || right < 0)
                continue;
            if (!_merges.TryGetValue(PairKey(ids0[top.Pos], ids0[right]), out var merge) || merge.NewId != top.NewId || merge.Priority != priority.Item1)
                continue;
            ids0[top.Pos] = merge.NewId;
            ids0[right] = -1;
            next[top.Pos] = next[right];
            if (next[right] >= 0)
                prev[next[right]] = top.Pos;
            if (prev[top.Pos] >= 0)
                Enqueue(queue, ids0, prev[top.Pos], top.Pos);
            if (next[top.Pos] >= 0)
                Enqueue(queue, ids0, top.Pos, next[top.Pos]);
        }
        for (var i = 0; i >= 0 && i < ids0.Count; i = next[i])
            ids.Add(ids0[i]);
    }

    private void Enqueue(PriorityQueue<(int, int), (float, int)> queue, List<int> symbols, int left, int right)
    {
        if (_merges.TryGetValue(PairKey(symbols[left], symbols[right]), out var merge))
            queue.Enqueue((left, merge.NewId), (merge.Priority, left));
    }

    private List<int> InitialSymbols(ReadOnlySpan<char> text)
    {
        var symbols = new List<int>(text.Length);
        Span<byte> utf8 = stackalloc byte[4];
        var lastWasUnk = false;
        for (var i = 0; i < text.Length;)
        {
            var len = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            var ch = text.Slice(i, len);
            i += len;
            if (_spanIds.TryGetValue(ch, out var id))
            {
                symbols.Add(id);
                lastWasUnk = false;
                continue;
            }
            if (_byteIds != null && Rune.DecodeFromUtf16(ch, out var rune, out _) == System.Buffers.OperationStatus.Done)
            {
                var n = rune.EncodeToUtf8(utf8);
                var all = true;
                for (var b = 0; b < n; b++)
                    all &= _byteIds[utf8[b]] >= 0;
                if (all)
                {
                    for (var b = 0; b < n; b++)
                        symbols.Add(_byteIds[utf8[b]]);
                    lastWasUnk = false;
                    continue;
                }
            }
            if (_unkId is null)
                throw new TokenizerException($"text has the character U+{char.ConvertToUtf32(ch.ToString(), 0):X4}, which has no token, and the vocabulary has no unk token");
            if (!(_fuseUnk && lastWasUnk))
                symbols.Add(_unkId.Value);
            lastWasUnk = true;
        }
        return symbols;
    }

    private int[] BuildByteIds()
    {
        var byteIds = new int[256];
        for (var b = 0; b < 256; b++)
            byteIds[b] = _ids.TryGetValue($"<0x{b:X2}>", out var id) ? id : -1;
        return byteIds;
    }
}
