using System.Text.Json.Nodes;
using Finetune.Pipeline.Data;

namespace Finetune.Pipeline.Tests.Data;

public sealed class DatasetSplitterTests
{
    private static List<DataRow> Rows(int n) =>
        Enumerable.Range(0, n)
            .Select(i => new DataRow("d.jsonl", i + 1, i + 1, DataFormat.JsonLines, new JsonObject { ["id"] = i }))
            .ToList();

    private static int[] Ids(IEnumerable<DataRow> rows) => rows.Select(r => r.Values["id"]!.GetValue<int>()).ToArray();

    [Fact]
    public void Five_rows_with_seed_42_split_as_hugging_face_splits_them()
    {
        // numpy 1.24: default_rng(42).permutation(5) = [4, 2, 3, 1, 0]; datasets' train_test_split(test_size=0.4)
        // takes ceil(5 * 0.4) = 2 test rows from the front of the permutation, the rest train.
        var split = DatasetSplitter.Split(Rows(5), take: null, testFraction: 0.4, shuffleSeed: 42);

        Assert.Equal([4, 2], Ids(split.Test));
        Assert.Equal([3, 1, 0], Ids(split.Train));
    }

    [Fact]
    public void Take_keeps_the_first_rows_in_file_order_before_shuffling()
    {
        var rows = Rows(100);

        var split = DatasetSplitter.Split(rows, take: 5, testFraction: 0.4, shuffleSeed: 42);

        Assert.Equal([4, 2], Ids(split.Test));
        Assert.Equal([3, 1, 0], Ids(split.Train));
    }

    [Fact]
    public void Ten_thousand_of_twelve_thousand_rows_split_as_the_original_recipe_would()
    {
        // train[:10000], then train_test_split(test_size=0.1, seed=42): numpy 1.24's default_rng(42).permutation(10000)
        // starts 8132, 8268, 719, ...; its elements 1000.. (the training set) start 2996, 9133, ... and end 5668, 5729, 9864.
        var split = DatasetSplitter.Split(Rows(12_000), take: 10_000, testFraction: 0.1, shuffleSeed: 42);

        Assert.Equal(1000, split.Test.Count);
        Assert.Equal(9000, split.Train.Count);
        Assert.Equal([8132, 8268, 719, 8237, 4555, 6651, 5650, 9034, 1260, 644], Ids(split.Test.Take(10)));
        Assert.Equal([2996, 9133, 7477, 7286, 2014, 4249], Ids(split.Train.Take(6)));
        Assert.Equal([5668, 5729, 9864], Ids(split.Train.TakeLast(3)));
    }

    [Fact]
    public void Take_reads_a_stream_no_further_than_it_needs()
    {
        var read = 0;
        IEnumerable<DataRow> Stream()
        {
            foreach (var row in Rows(1000))
            {
                read++;
                yield return row;
            }
        }

        var taken = DatasetSplitter.Take(Stream(), 10);

        Assert.Equal(Enumerable.Range(0, 10), Ids(taken));
        Assert.Equal(10, read);
        Assert.Equal(1000, DatasetSplitter.Take(Stream(), null).Count);
    }

    [Fact]
    public void The_same_seed_gives_the_same_split_and_another_seed_another()
    {
        var rows = Rows(50);

        var a = DatasetSplitter.Split(rows, null, 0.1, 7);
        var b = DatasetSplitter.Split(rows, null, 0.1, 7);
        var c = DatasetSplitter.Split(rows, null, 0.1, 8);

        Assert.Equal(Ids(a.Train), Ids(b.Train));
        Assert.Equal(Ids(a.Test), Ids(b.Test));
        Assert.NotEqual(Ids(a.Train.Concat(a.Test)), Ids(c.Train.Concat(c.Test)));
        Assert.Equal(Enumerable.Range(0, 50), Ids(a.Train.Concat(a.Test)).Order());
        Assert.Equal(5, a.Test.Count);
        Assert.Equal(Enumerable.Range(0, 50), Ids(rows));
    }

    [Theory]
    [InlineData(10000, 0.1, 1000)]
    [InlineData(10, 0.25, 3)]
    [InlineData(2, 0.01, 1)]
    [InlineData(2, 0.99, 1)]
    [InlineData(7, 0.0, 0)]
    [InlineData(1, 0.0, 0)]
    public void Test_count_is_the_ceiling_kept_within_one_and_n_minus_one(int n, double fraction, int expected) =>
        Assert.Equal(expected, DatasetSplitter.TestCount(n, fraction));

    [Fact]
    public void Too_few_rows_to_split_is_a_clear_error()
    {
        var one = Assert.Throws<DataException>(() => DatasetSplitter.Split(Rows(1), null, 0.1, 1));
        var none = Assert.Throws<DataException>(() => DatasetSplitter.Split(Rows(0), null, 0.1, 1));

        Assert.Equal("the dataset has 1 row; test_fraction 0.1 needs at least 2 (one to train, one to test)", one.Message);
        Assert.Equal("the dataset has no rows", none.Message);
    }

    [Fact]
    public void A_negative_seed_is_rejected_as_numpy_rejects_it() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => DatasetSplitter.Split(Rows(10), null, 0.1, -1));

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void A_fraction_outside_zero_to_one_is_rejected(double fraction) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => DatasetSplitter.Split(Rows(10), null, fraction, 1));
}
