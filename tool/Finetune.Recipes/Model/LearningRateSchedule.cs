namespace Finetune.Recipes;

/// <summary>Learning-rate schedule after warmup (<c>train.schedule</c>).</summary>
public enum LearningRateSchedule
{
    /// <summary>Linear decay to zero.</summary>
    Linear,

    /// <summary>Cosine decay to zero.</summary>
    Cosine,

    /// <summary>Constant after warmup.</summary>
    Constant,
}
