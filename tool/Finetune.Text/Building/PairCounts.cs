namespace Finetune.Text.Building;

/// <summary>
/// The trainer's bookkeeping: how often each adjacent symbol pair occurs, which words hold it, and the pairs
/// ordered best first (count descending, then left and right symbol in ordinal order). Changes are collected
/// while words are rewritten and applied to the ordering by <see cref="Commit"/>.
/// </summary>
internal sealed class PairCounts
{
    private readonly Dictionary<long, long> _counts = [];
    private readonly Dictionary<long, HashSet<int>> _words = [];
    private readonly Dictionary<long, long> _countsBeforeCommit = [];
    private readonly SortedSet<(long Count, int Left, int Right)> _ranked;

    public PairCounts(IReadOnlyList<string> vocab) => _ranked = new SortedSet<(long, int, int)>(new BestFirst(vocab));

    /// <summary>Adds (or with a negative weight, removes) every adjacent pair of one word.</summary>
    public void AddWord(int word, List<int> symbols, long weight)
    {
        for (var i = 0; i + 1 < symbols.Count; i++)
        {
            var key = Key(symbols[i], symbols[i + 1]);
            var count = _counts.GetValueOrDefault(key);
            _countsBeforeCommit.TryAdd(key, count);
            _counts[key] = count + weight;
            if (weight > 0)
            {
                if (!_words.TryGetValue(key, out var set))
                    _words[key] = set = [];
                set.Add(word);
            }
        }
    }

    /// <summary>The words that held the pair when it was counted, in ascending order (some may no longer hold it).</summary>
    public int[] WordsWith(int left, int right) =>
        _words.TryGetValue(Key(left, right), out var set) ? [.. set.Order()] : [];

    /// <summary>Moves every pair whose count changed since the last commit to its new place in the ranking.</summary>
    public void Commit()
    {
        foreach (var (key, before) in _countsBeforeCommit)
        {
            var (left, right) = Split(key);
            var now = _counts[key];
            if (before > 0)
                _ranked.Remove((before, left, right));
            if (now > 0)
            {
                _ranked.Add((now, left, right));
            }
            else
            {
                _counts.Remove(key);
                _words.Remove(key);
            }
        }
        _countsBeforeCommit.Clear();
    }

    /// <summary>The best pair, when its count reaches <paramref name="minCount"/>.</summary>
    public bool TryTakeBest(int minCount, out int left, out int right)
    {
        Commit();
        (left, right) = (-1, -1);
        if (_ranked.Count == 0 || _ranked.Min.Count < minCount)
            return false;
        (_, left, right) = _ranked.Min;
        return true;
    }

    private static long Key(int left, int right) => ((long)left << 32) | (uint)right;

    private static (int Left, int Right) Split(long key) => ((int)(key >> 32), (int)(key & 0xFFFFFFFF));

    private sealed class BestFirst(IReadOnlyList<string> vocab) : IComparer<(long Count, int Left, int Right)>
    {
        public int Compare((long Count, int Left, int Right) x, (long Count, int Left, int Right) y)
        {
            var byCount = y.Count.CompareTo(x.Count);
            if (byCount != 0)
                return byCount;
            var byLeft = string.CompareOrdinal(vocab[x.Left], vocab[y.Left]);
            return byLeft != 0 ? byLeft : string.CompareOrdinal(vocab[x.Right], vocab[y.Right]);
        }
    }
}
