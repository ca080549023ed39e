namespace Finetune.Pipeline.Data;

/// <summary>
/// The recipe's <c>take</c>, <c>shuffle_seed</c> and <c>test_fraction</c>, in that order:
/// <list type="number">
/// <item><c>take</c>: the first N rows in file order (as the original's <c>train[:10000]</c>); null keeps all.</item>
/// <item>Shuffle: Fisher–Yates from the last position down, <c>j = NextBelow(i + 1)</c> on a
/// <see cref="SplitMix64"/> seeded with <c>shuffle_seed</c> (sign-extended to 64 bits).</item>
/// <item>Split: the first <c>ceil(n * test_fraction)</c> shuffled rows are the test set (the count Hugging
/// Face's <c>train_test_split(test_size=f)</c> takes), the rest train; kept within [1, n - 1] when the
/// fraction is above zero. A fraction of zero gives an empty test set.</item>
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

    /// <summary>The rows in the order the seeded Fisher–Yates shuffle gives (the input is not changed).</summary>
    public static DataRow[] Shuffle(IReadOnlyList<DataRow> rows, int seed)
    {
        var result = rows.ToArray();
        var random = new SplitMix64(seed);
        for (var i = result.Length - 1; i > 0; i--)
        {
            var j = random.NextBelow(i + 1);
            (result[i], result[j]) = (result[j], result[i]);
        }
        return result;
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
