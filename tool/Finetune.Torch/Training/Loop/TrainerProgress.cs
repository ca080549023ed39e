using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;

namespace Finetune.Torch.Training.Loop;

/// <summary>
/// What the console shows after each optimizer step (Step is 1-based: steps done). <see cref="Loss"/> is this step's
/// loss; <see cref="LoggedLoss"/> the last mean written to metrics.jsonl (NaN before the first), <see cref="Logged"/>
/// whether this step wrote it (every log_every steps and the last).
/// </summary>
public sealed record TrainerProgress(long Step, long TotalSteps, double Loss, double LearningRate, double TokensPerSecond, TimeSpan Eta,
    double LoggedLoss = double.NaN, bool Logged = false);
