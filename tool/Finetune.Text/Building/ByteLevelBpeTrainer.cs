using ByteLevelAlphabet = Finetune.Text.Tokenizers.ByteLevelAlphabet;
using System.Text;

namespace Finetune.Text.Building;

/// <summary>
/// Trains a byte-level BPE the way Llama 3's tokenizer is laid out: texts are cut by
/// <see cref="Llama3PreTokenizer"/>, each piece's UTF-8 bytes become <see cref="ByteLevelAlphabet"/> symbols, and the
/// most frequent adjacent pair (counted over all pieces, weighted by how often each piece occurs) is merged, again
/// and again, until the vocabulary has the target size or no pair occurs <c>minPairFrequency</c> times.
/// Ties go to the pair whose left symbol, then right symbol, comes first in ordinal string order, so the result
/// depends only on the texts. Ids: the 256 byte symbols in byte order, then each new symbol in merge order.
/// A merge that makes a symbol already in the vocabulary is kept (as Hugging Face's trainer does) but adds no id.
/// </summary>
public static class ByteLevelBpeTrainer
{
    /// <summary>Learns merges from <paramref name="texts"/> until the vocabulary holds <paramref name="vocabSize"/> tokens.</summary>
    public static ByteLevelBpeModel Train(IEnumerable<string> texts, int vocabSize, int minPairFrequency = 2)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabSize, 256);
        ArgumentOutOfRangeException.ThrowIfLessThan(minPairFrequency, 1);

        var vocab = ByteLevelAlphabet.Chars.Select(c => c.ToString()).ToList();
        var ids = vocab.Select((token, id) => (token, id)).ToDictionary(x => x.token, x => x.id, StringComparer.Ordinal);
        var pairs = new PairCounts(vocab);
        var words = CountWords(texts);
        for (var w = 0; w < words.Count; w++)
            pairs.AddWord(w, words[w].Symbols, +words[w].Count);

        var merges = new List<BpeMerge>();
        while (vocab.Count < vocabSize && pairs.TryTakeBest(minPairFrequency, out var left, out var right))
        {
            var merge = new BpeMerge(vocab[left], vocab[right]);
            if (!ids.TryGetValue(merge.Result, out var merged))
            {
                merged = vocab.Count;
                vocab.Add(merge.Result);
                ids.Add(merge.Result, merged);
            }
            merges.Add(merge);
            foreach (var w in pairs.WordsWith(left, right))
            {
                var word = words[w];
                pairs.AddWord(w, word.Symbols, -word.Count);
                MergeInPlace(word.Symbols, left, right, merged);
                pairs.AddWord(w, word.Symbols, +word.Count);
            }
            pairs.Commit();
        }
        return new ByteLevelBpeModel(vocab, merges);
    }

    private static List<Word> CountWords(IEnumerable<string> texts)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var text in texts)
            foreach (var piece in Llama3PreTokenizer.Split(text))
                counts[piece] = counts.GetValueOrDefault(piece) + 1;
        // Sorted so that nothing depends on dictionary order.
        return counts.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new Word(Encoding.UTF8.GetBytes(kv.Key).Select(b => (int)b).ToList(), kv.Value))
            .ToList();
    }

    /// <summary>Replaces each (left, right) occurrence, scanning left to right without overlap ("aaa" → "aa a").</summary>
    private static void MergeInPlace(List<int> symbols, int left, int right, int merged)
    {
        var write = 0;
        for (var read = 0; read < symbols.Count; write++)
        {
            if (read + 1 < symbols.Count && symbols[read] == left && symbols[read + 1] == right)
            {
                symbols[write] = merged;
                read += 2;
            }
            else
            {
                symbols[write] = symbols[read++];
            }
        }
        symbols.RemoveRange(write, symbols.Count - write);
    }

    private sealed record Word(List<int> Symbols, long Count);
}
