using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;

namespace Finetune.Torch.Training.Loop;

/// <summary>Training had to stop (non-finite loss or gradients, a batch without loss tokens); the message names the step.</summary>
public sealed class TrainingException(long step, string message) : Exception($"training step {step}: {message}")
{
    public long Step { get; } = step;
}
