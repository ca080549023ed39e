using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;

namespace Finetune.Torch.Training.Loop;

/// <summary>When the trainer writes checkpoints (the recipe's <c>train.save</c>).</summary>
public enum SaveKind
{
    /// <summary>After each epoch (and at the end).</summary>
    Epoch,

    /// <summary>Every <see cref="SavePolicy.EverySteps"/> optimizer steps (and at the end).</summary>
    Steps,

    /// <summary>Only at the end.</summary>
    End,
}
