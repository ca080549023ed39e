using static TorchSharp.torch;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Training.Data;

/// <summary>
/// Deterministic data order for training: epoch e's order is a Fisher-Yates shuffle driven by SplitMix64
/// seeded from (seed, e) alone, so it depends on nothing but <see cref="TrainingRngState"/> and does not
/// change with .NET versions (unlike <see cref="Random"/>). Save <see cref="State"/> in the checkpoint;
/// a run restored from it continues with the same batches.
/// Torch's own generator (<c>torch.manual_seed(seed)</c> before building random weights) draws nothing in
/// full fine-tuning of a Llama model (no dropout); if a step ever samples, capture
/// <see cref="CaptureTorchState"/> with the checkpoint and <see cref="RestoreTorchState"/> on resume.
/// </summary>
public sealed class TrainingRng(TrainingRngState state)
{
    public TrainingRng(ulong seed) : this(new TrainingRngState { Seed = seed }) { }

    public TrainingRngState State { get; private set; } = state;

    /// <summary>The order of <paramref name="count"/> items in the current epoch: a permutation of 0..count-1.</summary>
    public int[] EpochOrder(int count) => Permutation(State.Seed, State.Epoch, count);

    /// <summary>The rest of the current epoch's order, after the batches already done.</summary>
    public IEnumerable<int> RemainingOrder(int count, int batchSize) =>
        EpochOrder(count).Skip((int)Math.Min(count, State.BatchesDone * batchSize));

    public void BatchDone() => State = State with { BatchesDone = State.BatchesDone + 1 };

    public void NextEpoch() => State = State with { Epoch = State.Epoch + 1, BatchesDone = 0 };

    public static int[] Permutation(ulong seed, long epoch, int count)
    {
        var order = Enumerable.Range(0, count).ToArray();
        var random = new SplitMix64(seed ^ SplitMix64.Mix((ulong)epoch + 0x9E3779B97F4A7C15UL));
        for (int i = count - 1; i > 0; i--)
        {
            int j = (int)random.NextBelow((ulong)i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    public static void SeedTorch(ulong seed) => manual_seed(unchecked((long)seed));

    public static Tensor CaptureTorchState() => get_rng_state();

    public static void RestoreTorchState(Tensor saved) => set_rng_state(saved);
}
