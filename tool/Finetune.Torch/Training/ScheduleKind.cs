namespace Finetune.Torch.Training;

/// <summary>The recipe's <c>train.schedule</c>: the shape of the learning rate after warmup.</summary>
public enum ScheduleKind
{
    Linear,
    Cosine,
    Constant,
}
