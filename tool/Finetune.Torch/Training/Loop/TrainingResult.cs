using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;

namespace Finetune.Torch.Training.Loop;

/// <summary>How a <see cref="SftTrainer.Train"/> call ended.</summary>
public sealed record TrainingResult(
    long Steps,
    double LastLoss,
    double? LastEvalLoss,
    double TokensPerSecond,
    double ElapsedSeconds,
    string? Checkpoint);
