using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Training.Data;

/// <summary>
/// Everything that decides the data order, saved in a checkpoint (as JSON) so a resumed run reads the same
/// batches: the seed, the epoch and how many batches of that epoch were consumed.
/// </summary>
public sealed record TrainingRngState
{
    public required ulong Seed { get; init; }
    public long Epoch { get; init; }
    public long BatchesDone { get; init; }
}
