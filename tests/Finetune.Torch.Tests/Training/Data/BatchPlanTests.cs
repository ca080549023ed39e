using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;


namespace Finetune.Torch.Tests.Training.Data;

public sealed class BatchPlanTests
{
    [Fact]
    public void Length_grouping_sorts_each_mega_batch_and_puts_the_longest_row_first()
    {
        // batch size 1: mega-batches of 50; 120 rows in the given order, length = row index % 97
        var order = Enumerable.Range(0, 120).ToArray();
        var lengths = order.Select(i => i % 97 + 1).ToArray();
        var grouped = BatchPlan.GroupByLength(order, lengths, batchSize: 1);
        // mega-batch 0 = rows 0..49 sorted descending -> 49, 48, ...; mega-batch 1 = rows 50..99 -> 96 (length 97) first.
        // The longest (row 96) swaps with the head of mega-batch 0 (row 49).
        Assert.Equal(96, grouped[0]);
        Assert.Equal([48, 47], grouped[1..3]);
        Assert.Equal(49, grouped[50]);
        Assert.Equal([95, 94], grouped[51..53]);
        // mega-batch 2 = rows 100..119, lengths 4..23 -> row 119 first
        Assert.Equal(119, grouped[100]);
        Assert.Equal(order.Order(), grouped.Order());
    }

    [Fact]
    public void Packing_fills_sequences_in_order_up_to_the_maximum()
    {
        int[] lengths = [5, 4, 3, 6, 2, 8];
        var packed = BatchPlan.Pack([0, 1, 2, 3, 4, 5], lengths, maxLength: 10);
        Assert.Equal(3, packed.Count);
        Assert.Equal([0, 1], packed[0]);     // 5 + 4 = 9; + 3 > 10
        Assert.Equal([2, 3], packed[1]);     // 3 + 6 = 9
        Assert.Equal([4, 5], packed[2]);     // 2 + 8 = 10
        // lengths: row 3 = 9, row 5 = 9, row 1 = 1, row 4 = 2: 9 | 9 + 1 = 10 | 2
        Assert.Equal([[3], [5, 1], [4]], BatchPlan.Pack([3, 5, 1, 4], [1, 1, 1, 9, 2, 9], maxLength: 10));
    }
}
