using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;

namespace Finetune.Torch.Training.Loop;

/// <summary>The non-tensor part of a checkpoint (<c>trainer_state.json</c>).</summary>
public sealed record TrainerState
{
    /// <summary>Optimizer steps done (the scheduler's position).</summary>
    public required long Step { get; init; }

    public required long TotalSteps { get; init; }
    public required TrainingRngState Data { get; init; }
    public required OptimizerKind Optimizer { get; init; }
    public double ElapsedSeconds { get; init; }
}
