namespace Finetune.Torch.Training;

/// <summary>What the console shows after each optimizer step (Step is 1-based: steps done).</summary>
public sealed record TrainerProgress(long Step, long TotalSteps, double Loss, double LearningRate, double TokensPerSecond, TimeSpan Eta);
