namespace Finetune.Torch.Training;

/// <summary>How a <see cref="SftTrainer.Train"/> call ended.</summary>
public sealed record TrainingResult(
    long Steps,
    double LastLoss,
    double? LastEvalLoss,
    double TokensPerSecond,
    double ElapsedSeconds,
    string? Checkpoint);
