using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Training.Optimizers;

/// <summary>
/// Hyperparameters shared by <see cref="AdamW"/> and <see cref="AdamW8bit"/>. Defaults are those of
/// Hugging Face <c>TrainingArguments</c> (adam_beta1 0.9, adam_beta2 0.999, adam_epsilon 1e-8,
/// weight_decay 0.0); the learning rate is set per step by the trainer from the schedule.
/// </summary>
public sealed record AdamWOptions
{
    public double LearningRate { get; init; } = 1e-5;
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;
    public double Eps { get; init; } = 1e-8;

    /// <summary>Decoupled weight decay, applied only to parameters <see cref="ParameterGroups.IsDecayed"/> selects.</summary>
    public double WeightDecay { get; init; }

    public void Validate()
    {
        if (!(LearningRate >= 0)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "learning rate must be >= 0");
        if (!(Beta1 is >= 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(Beta1), Beta1, "beta1 must be in [0, 1)");
        if (!(Beta2 is >= 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(Beta2), Beta2, "beta2 must be in [0, 1)");
        if (!(Eps >= 0)) throw new ArgumentOutOfRangeException(nameof(Eps), Eps, "eps must be >= 0");
        if (!(WeightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "weight decay must be >= 0");
    }
}
