namespace Finetune.Torch.Training.Data;

/// <summary>
/// Deterministic data order for training: epoch e's order is a Fisher-Yates shuffle driven by SplitMix64
/// seeded from (seed, e) alone, so it depends on nothing but <see cref="TrainingRngState"/> and does not
/// change with .NET versions (unlike <see cref="Random"/>). Save <see cref="State"/> in the checkpoint;
/// a run restored from it continues with the same batches. (Torch's own generator draws nothing in full
/// fine-tuning of a Llama model: no dropout.)
/// </summary>
public sealed class TrainingRng(TrainingRngState state)
{
    public TrainingRngState State { get; private set; } = state;

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
}
