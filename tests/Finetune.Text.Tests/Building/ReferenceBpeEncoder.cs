using ByteLevelAlphabet = Finetune.Text.Tokenizers.ByteLevelAlphabet;
using System.Text.RegularExpressions;
using Finetune.Text.Building;

namespace Finetune.Text.Tests.Building;

/// <summary>
/// A deliberately plain Hugging Face BPE encoder for tests: split out special tokens, cut with the Llama 3 regex,
/// map bytes to byte-level symbols, then per piece: a piece that is itself in the vocabulary is one token
/// (<c>ignore_merges: true</c>); otherwise merge the lowest-ranked adjacent pair, all its occurrences left to right,
/// until no pair is a merge.
/// </summary>
internal sealed class ReferenceBpeEncoder
{
    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<(string, string), int> _ranks = [];
    private readonly Dictionary<string, int> _specials;
    private readonly Regex? _specialSplit;

    public ReferenceBpeEncoder(IReadOnlyDictionary<string, int> vocab, IEnumerable<(string Left, string Right)> merges, IReadOnlyDictionary<string, int>? specials = null)
    {
        _vocab = new Dictionary<string, int>(vocab, StringComparer.Ordinal);
        foreach (var merge in merges)
            _ranks.TryAdd(merge, _ranks.Count);
        _specials = new Dictionary<string, int>(specials ?? new Dictionary<string, int>(), StringComparer.Ordinal);
        if (_specials.Count > 0)
            _specialSplit = new Regex("(" + string.Join("|", _specials.Keys.OrderByDescending(k => k.Length).Select(Regex.Escape)) + ")");
    }

    public static ReferenceBpeEncoder From(ByteLevelBpeModel model) => new(
        model.Vocab.Select((token, id) => (token, id)).ToDictionary(x => x.token, x => x.id),
        model.Merges.Select(m => (m.Left, m.Right)));

    public List<int> Encode(string text)
    {
        var ids = new List<int>();
        var parts = _specialSplit is null ? [text] : _specialSplit.Split(text);
        foreach (var part in parts)
        {
            if (_specials.TryGetValue(part, out var special))
            {
                ids.Add(special);
                continue;
            }
            foreach (var piece in Llama3PreTokenizer.Split(part))
                ids.AddRange(EncodePiece(ByteLevelAlphabet.EncodeText(piece)));
        }
        return ids;
    }

    private IEnumerable<int> EncodePiece(string piece)
    {
        if (_vocab.TryGetValue(piece, out var whole))
            return [whole];
        var symbols = piece.Select(c => c.ToString()).ToList();
        while (true)
        {
            var best = -1;
            for (var i = 0; i + 1 < symbols.Count; i++)
                if (_ranks.TryGetValue((symbols[i], symbols[i + 1]), out var rank) && (best < 0 || rank < _ranks[(symbols[best], symbols[best + 1])]))
                    best = i;
            if (best < 0)
                break;
            var (left, right) = (symbols[best], symbols[best + 1]);
            var merged = new List<string>();
            for (var i = 0; i < symbols.Count;)
            {
                if (i + 1 < symbols.Count && symbols[i] == left && symbols[i + 1] == right)
                {
                    merged.Add(left + right);
                    i += 2;
                }
                else
                {
                    merged.Add(symbols[i++]);
                }
            }
            symbols = merged;
        }
        return symbols.Select(s => _vocab[s]);
    }
}
