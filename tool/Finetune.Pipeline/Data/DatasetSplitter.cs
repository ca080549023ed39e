namespace Finetune.Pipeline.Data;

/// <summary>
/// The recipe's <c>take</c>, <c>shuffle_seed</c> and <c>test_fraction</c>, done as Hugging Face <c>datasets</c>
/// does them (<c>load_dataset(..., split="train[:N]")</c>, then <c>train_test_split(test_size=f, seed=s)</c>),
/// so a recipe ported from Python gets the same rows in the same order from the same file:
/// <list type="number">
/// <item><c>take</c>: the first N rows in file order; null keeps all.</item>
/// <item>Shuffle: <c>numpy.random.default_rng(seed).permutation(n)</c>, reproduced by <see cref="NumpyPcg64"/>
/// (Fisher–Yates from the last position down, on PCG64 seeded by NumPy's SeedSequence).</item>
/// <item>Split: the first <c>ceil(n * test_fraction)</c> permuted rows are the test set, the rest (in permuted
/// order) the training set, as <c>train_test_split</c> takes them. Where <c>datasets</c> would fail (a split
/// leaving one side empty) the test set is kept within [1, n - 1]; a fraction of zero gives no test set.</item>
/// </list>
/// </summary>
public static class DatasetSplitter
{
    /// <summary>The first <paramref name="take"/> rows of a stream (all when null), read no further than needed.</summary>
    public static IReadOnlyList<DataRow> Take(IEnumerable<DataRow> rows, int? take)
    {
        if (take is < 1)
            throw new ArgumentOutOfRangeException(nameof(take), take, "take must be at least 1");
        return (take is { } n ? rows.Take(n) : rows).ToList();
    }

    public static DatasetSplit Split(IReadOnlyList<DataRow> rows, int? take, double testFraction, int shuffleSeed)
    {
        if (!(testFraction is >= 0 and < 1))
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "test_fraction must be at least 0 and below 1");
        var kept = Take(rows, take);
        var shuffled = Shuffle(kept, shuffleSeed);
        var testCount = TestCount(shuffled.Length, testFraction);
        return new DatasetSplit(shuffled[testCount..], shuffled[..testCount]);
    }

    /// <summary>The rows in <c>default_rng(seed).permutation(n)</c> order (the input is not changed).</summary>
    public static DataRow[] Shuffle(IReadOnlyList<DataRow> rows, int seed)
    {
        if (seed < 0)
            throw new ArgumentOutOfRangeException(nameof(seed), seed, "shuffle_seed must not be negative (NumPy seeds are non-negative)");
        return [.. new NumpyPcg64((ulong)seed).Permutation(rows.Count).Select(i => rows[i])];
    }

    /// <summary>How many of <paramref name="count"/> rows go to the test set.</summary>
    public static int TestCount(int count, double testFraction)
    {
        if (count == 0)
            throw new DataException(null, null, "the dataset has no rows");
        if (testFraction == 0)
            return 0;
        if (count < 2)
            throw new DataException(null, null, $"the dataset has {count} row; test_fraction {testFraction} needs at least 2 (one to train, one to test)");
        return Math.Clamp((int)Math.Ceiling(count * testFraction), 1, count - 1);
    }
}
