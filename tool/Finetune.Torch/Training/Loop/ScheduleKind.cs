using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;

namespace Finetune.Torch.Training.Loop;

/// <summary>The recipe's <c>train.schedule</c>: the shape of the learning rate after warmup.</summary>
public enum ScheduleKind
{
    Linear,
    Cosine,
    Constant,
}
