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
    public void Five_rows_with_seed_42_split_as_worked_by_hand()
    {
        // Fisher–Yates with draws NextBelow(5,4,3,2) = 3, 3, 0, 0 (see SplitMix64Tests):
        // [0,1,2,3,4] -> swap 4,3 -> [0,1,2,4,3] -> swap 3,3 -> same -> swap 2,0 -> [2,1,0,4,3] -> swap 1,0 -> [1,2,0,4,3].
        // ceil(5 * 0.4) = 2 test rows: the first two.
        var split = DatasetSplitter.Split(Rows(5), take: null, testFraction: 0.4, shuffleSeed: 42);

        Assert.Equal([1, 2], Ids(split.Test));
        Assert.Equal([0, 4, 3], Ids(split.Train));
    }

    [Fact]
    public void Take_keeps_the_first_rows_in_file_order_before_shuffling()
    {
        var rows = Rows(100);

        var split = DatasetSplitter.Split(rows, take: 5, testFraction: 0.4, shuffleSeed: 42);

        Assert.Equal([1, 2], Ids(split.Test));
        Assert.Equal([0, 4, 3], Ids(split.Train));
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

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void A_fraction_outside_zero_to_one_is_rejected(double fraction) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => DatasetSplitter.Split(Rows(10), null, fraction, 1));
}
