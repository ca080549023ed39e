using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Training.Data;

/// <summary>
/// Where training is in the data: hands out the micro-batches of each optimizer step (up to the accumulation
/// count, fewer at an epoch's end) and records progress in a <see cref="TrainingRng"/> whose state goes into
/// checkpoints. Epoch plans are rebuilt from (seed, epoch), so a restored state yields the same batches.
/// </summary>
internal sealed class DataCursor(IReadOnlyList<int> lengths, TrainerOptions options, TrainingRngState state)
{
    private readonly TrainingRng rng = new(state);
    private IReadOnlyList<int[][]>? plan;
    private long planEpoch = -1;

    public TrainingRngState State => rng.State;

    /// <summary>Epochs done as a fraction (2.5 = half way through the third epoch).</summary>
    public double EpochProgress => rng.State.Epoch + (double)rng.State.BatchesDone / Math.Max(1, Plan().Count);

    /// <summary>
    /// The run's optimizer steps (and the schedule's length) as Hugging Face's Trainer counts them when the
    /// original job ran (transformers 4.46-4.49, <c>_inner_training_loop</c>):
    /// <c>max_steps = epochs * max(len(dataloader) // gradient_accumulation_steps, 1)</c>, floor division,
    /// so 9,000 rows in batches of 4 with accumulation 8 give 2 * (2250 // 8) = 562 steps for 2 epochs. The
    /// loop still steps on an epoch's last, shorter group of micro-batches (<see cref="NextStep"/>), and
    /// training stops once max_steps are done, so the last epoch's final micro-batches may go unused, as in
    /// HF. transformers 4.50 and later round up instead (564 here). Capped by <c>max_steps</c>.
    /// </summary>
    public static long TotalSteps(IReadOnlyList<int> lengths, TrainerOptions options)
    {
        long total = 0;
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            int batches = BatchPlan.ForEpoch(lengths, options, epoch).Count;
            total += Math.Max(batches / options.GradientAccumulation, 1);
        }
        return options.MaxSteps is int max ? Math.Min(max, total) : total;
    }

    /// <summary>
    /// The optimizer steps after which an epoch ends, within <see cref="TotalSteps"/>: each epoch steps on all its
    /// micro-batches, ceil(batches / gradient_accumulation) updates (the last one shorter), as HF's loop does; an epoch
    /// cut short by max_steps does not end. 288 rows in batches of 8 with accumulation 5, 2 epochs: [8] of 14 steps.
    /// </summary>
    public static IReadOnlyList<long> EpochEnds(IReadOnlyList<int> lengths, TrainerOptions options)
    {
        long total = TotalSteps(lengths, options), step = 0;
        var ends = new List<long>();
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            int batches = BatchPlan.ForEpoch(lengths, options, epoch).Count;
            step += (batches + options.GradientAccumulation - 1) / options.GradientAccumulation;
            if (step > total) break;
            ends.Add(step);
        }
        return ends;
    }

    /// <summary>The micro-batches of the next optimizer step, and whether they finish the epoch.</summary>
    public (IReadOnlyList<int[][]> MicroBatches, bool EpochEnded) NextStep()
    {
        var current = Plan();
        int start = (int)rng.State.BatchesDone;
        int count = Math.Min(options.GradientAccumulation, current.Count - start);
        var micro = current.Skip(start).Take(count).ToList();
        for (int i = 0; i < count; i++) rng.BatchDone();
        bool ended = rng.State.BatchesDone >= current.Count;
        if (ended) rng.NextEpoch();
        return (micro, ended);
    }

    private IReadOnlyList<int[][]> Plan()
    {
        if (plan is null || planEpoch != rng.State.Epoch)
        {
            plan = BatchPlan.ForEpoch(lengths, options, rng.State.Epoch);
            planEpoch = rng.State.Epoch;
        }
        return plan;
    }
}
