using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Loop;
using Finetune.Torch.Tests.Training.Loop;

namespace Finetune.Torch.Tests.Training.Data;

/// <summary>
/// Optimizer steps as Hugging Face's Trainer counted them for the original job (transformers 4.46-4.49):
/// len(dataloader) = ceil(rows / batch), max_steps = epochs * max(len(dataloader) // accumulation, 1).
/// Every expected number below is worked by hand from those two lines, not from our code.
/// </summary>
public sealed class HfStepCountTests
{
    [Theory]
    [InlineData(9000, 4, 8, 2, 562)]     // the original: 2250 batches, 2250 // 8 = 281 per epoch ("about 562"); 4.50+ would say 564
    [InlineData(9001, 4, 8, 2, 562)]     // 2251 batches (last one of 1 row): still 281 per epoch
    [InlineData(9024, 4, 8, 2, 564)]     // 2256 batches = 282 x 8: no remainder
    [InlineData(1800, 16, 1, 3, 339)]    // the tiny default: 113 batches (112 x 16 + 8), no accumulation
    [InlineData(100, 3, 4, 1, 8)]        // 34 batches, 34 // 4 = 8 (2 micro-batches left over)
    [InlineData(10, 4, 2, 3, 3)]         // 3 batches, 3 // 2 = 1 per epoch
    [InlineData(5, 2, 8, 2, 2)]          // 3 batches < accumulation 8: max(0, 1) = 1 per epoch
    public void Total_steps_follow_hf_trainer(int rows, int batch, int accumulation, int epochs, long expected)
    {
        var options = Options(batch, accumulation, epochs);
        Assert.Equal(expected, DataCursor.TotalSteps(Lengths(rows), options));
    }

    [Fact]
    public void Max_steps_caps_the_count()
    {
        Assert.Equal(100, DataCursor.TotalSteps(Lengths(9000), Options(4, 8, 2) with { MaxSteps = 100 }));
        Assert.Equal(562, DataCursor.TotalSteps(Lengths(9000), Options(4, 8, 2) with { MaxSteps = 1000 }));
    }

    [Fact]
    public void An_epoch_ends_on_a_shorter_step_and_the_last_epoch_stops_at_max_steps()
    {
        // 10 rows in batches of 1, accumulation 4, 2 epochs: max_steps = 2 * (10 // 4) = 4. HF's loop (4.46-4.49)
        // steps on 4, 4 and the epoch's last 2 micro-batches, then once more in epoch 2 and stops: 4 + 4 + 2 + 4.
        var options = Options(1, 4, 2);
        var lengths = Lengths(10);
        long total = DataCursor.TotalSteps(lengths, options);
        Assert.Equal(4, total);
        var cursor = new DataCursor(lengths, options, new TrainingRngState { Seed = options.Seed });
        var steps = Enumerable.Range(0, (int)total).Select(_ => cursor.NextStep()).ToList();
        Assert.Equal([4, 4, 2, 4], steps.Select(s => s.MicroBatches.Count));
        Assert.Equal([false, false, true, false], steps.Select(s => s.EpochEnded));
    }

    private static int[] Lengths(int rows) => Enumerable.Repeat(3, rows).ToArray();

    private static TrainerOptions Options(int batch, int accumulation, int epochs) => TrainerData.Options with
    {
        BatchSize = batch,
        GradientAccumulation = accumulation,
        Epochs = epochs,
        GroupByLength = false,
    };
}
