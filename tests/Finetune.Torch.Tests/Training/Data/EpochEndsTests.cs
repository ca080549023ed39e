using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Loop;
using Finetune.Torch.Tests.Training.Loop;

namespace Finetune.Torch.Tests.Training.Data;

/// <summary>
/// The steps after which an epoch ends (loss.png's dashed lines, the checkpoint-STEP names of <c>save: epoch</c>), by
/// hand from HF Trainer's loop (4.46-4.49): an epoch steps on all ceil(rows / batch) micro-batches in groups of the
/// accumulation (the last group shorter), so it takes ceil(batches / accumulation) steps; max_steps =
/// epochs * max(batches // accumulation, 1) may stop the last epoch before its end.
/// </summary>
public sealed class EpochEndsTests
{
    [Theory]
    [InlineData(9000, 4, 8, 2, new long[] { 282 })]           // the original: 2250 batches, ceil(2250 / 8) = 282; max_steps 562 < 564
    [InlineData(9024, 4, 8, 2, new long[] { 282, 564 })]      // 2256 = 282 x 8: both epochs end
    [InlineData(1800, 16, 1, 3, new long[] { 113, 226, 339 })] // 113 batches, no accumulation
    [InlineData(288, 8, 5, 2, new long[] { 8 })]              // 36 batches: 8 steps (7 x 5 + 1); max_steps 2 x 7 = 14
    [InlineData(10, 1, 4, 2, new long[] { 3 })]               // 10 batches: 4 + 4 + 2; max_steps 4
    public void Epoch_ends_follow_hf_trainer(int rows, int batch, int accumulation, int epochs, long[] expected)
    {
        var options = TrainerData.Options with { BatchSize = batch, GradientAccumulation = accumulation, Epochs = epochs, GroupByLength = false };
        Assert.Equal(expected, DataCursor.EpochEnds(Enumerable.Repeat(3, rows).ToArray(), options));
    }

    [Fact]
    public void Max_steps_before_the_first_epoch_end_leaves_none()
    {
        var options = TrainerData.Options with { BatchSize = 4, GradientAccumulation = 8, Epochs = 2, GroupByLength = false, MaxSteps = 100 };
        Assert.Empty(DataCursor.EpochEnds(Enumerable.Repeat(3, 9000).ToArray(), options));
    }
}
