using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;

namespace Finetune.Torch.Training.Loop;

/// <summary>
/// Learning-rate multipliers exactly as Hugging Face transformers' <c>get_linear_schedule_with_warmup</c>,
/// <c>get_cosine_schedule_with_warmup</c> (num_cycles 0.5) and <c>get_constant_schedule_with_warmup</c>.
/// As torch's LambdaLR, the optimizer step with 0-based index s (s updates done before it) uses
/// base_lr x <see cref="Multiplier"/>(s); so with warmup the first update has lr 0.
/// </summary>
public sealed record LrSchedule(ScheduleKind Kind, long WarmupSteps, long TotalSteps)
{
    /// <summary>A schedule whose warmup is <see cref="WarmupStepsFromRatio"/>(ratio, total).</summary>
    public static LrSchedule FromRatio(ScheduleKind kind, double warmupRatio, long totalSteps) =>
        new(kind, WarmupStepsFromRatio(warmupRatio, totalSteps), totalSteps);

    /// <summary>
    /// transformers' <c>TrainingArguments.get_warmup_steps</c> with warmup_steps 0:
    /// <c>math.ceil(num_training_steps * warmup_ratio)</c> in double precision (0.07 x 100 = 7.000000000000001, so 8).
    /// </summary>
    public static long WarmupStepsFromRatio(double warmupRatio, long totalSteps)
    {
        if (!(warmupRatio is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(warmupRatio), warmupRatio, "warmup_ratio must be in [0, 1]");
        return (long)Math.Ceiling(totalSteps * warmupRatio);
    }

    public double Multiplier(long step)
    {
        if (step < WarmupSteps) return (double)step / Math.Max(1, WarmupSteps);
        double decaySteps = Math.Max(1, TotalSteps - WarmupSteps);
        return Kind switch
        {
            ScheduleKind.Constant => 1.0,
            ScheduleKind.Linear => Math.Max(0.0, (TotalSteps - step) / decaySteps),
            ScheduleKind.Cosine => Math.Max(0.0, 0.5 * (1.0 + Math.Cos(Math.PI * 0.5 * 2.0 * ((step - WarmupSteps) / decaySteps)))),
            _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "unknown schedule"),
        };
    }
}
