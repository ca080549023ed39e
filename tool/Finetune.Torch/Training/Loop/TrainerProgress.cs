using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;

namespace Finetune.Torch.Training.Loop;

/// <summary>What the console shows after each optimizer step (Step is 1-based: steps done).</summary>
public sealed record TrainerProgress(long Step, long TotalSteps, double Loss, double LearningRate, double TokensPerSecond, TimeSpan Eta);
